"""/sandbox/api/timeline: see and steer the sandbox's delayed effects (sandbox/timeline.py).

    GET  → {"manual", "pending", "room_delay", "merge_window", "exchange_step"}
    POST {"manual": true}                 stop real time: jobs wait for "advance"
    POST {"advance": 3}                   move the clock 3 s and run what fell due
    POST {"room_delay": null | seconds, "merge_window": seconds, "exchange_step": seconds}
Every value is checked before any is applied: a bad request changes nothing.
"""
from __future__ import annotations

from flask import Blueprint, Response

from sandbox.api.common import ApiError, body, json_response, state

bp = Blueprint("sandbox_timeline", __name__, url_prefix="/sandbox/api")
SECONDS = ("advance", "merge_window", "exchange_step")


def _view() -> dict:
    tl = state().timeline
    return {"manual": tl.manual, "pending": tl.pending(), "room_delay": tl.delays.room,
            "merge_window": tl.delays.merge_window, "exchange_step": tl.delays.exchange_step}


def _seconds(data: dict, name: str, nullable: bool = False) -> float | None:
    v = data[name]
    if v is None and nullable:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 86400:
        raise ApiError(400, f"{name} must be a number of seconds between 0 and 86400"
                            + (" or null" if nullable else ""), 400)
    return float(v)


@bp.get("/timeline")
def get_timeline() -> Response:
    return json_response(_view(), 200)


@bp.post("/timeline")
def set_timeline() -> Response:
    data = body(code=400)
    unknown = set(data) - {"manual", "room_delay", *SECONDS}
    if unknown:
        raise ApiError(400, f"unknown setting(s): {', '.join(sorted(unknown))}", 400)
    if "manual" in data and not isinstance(data["manual"], bool):
        raise ApiError(400, "manual must be true or false", 400)
    clean = {k: _seconds(data, k) for k in SECONDS if k in data}
    room = _seconds(data, "room_delay", nullable=True) if "room_delay" in data else ...
    tl = state().timeline
    if "manual" in data:
        tl.set_manual(data["manual"])
    if room is not ...:
        tl.delays.room = room
    for name in ("merge_window", "exchange_step"):
        if name in clean:
            setattr(tl.delays, name, clean[name])
    out = _view()
    if "advance" in clean:
        out["ran"] = tl.advance(clean["advance"])
        out["pending"] = tl.pending()
    return json_response(out, 200)
