"""calendar.calendar.event.changed_v4 as Feishu pushes it: changes to one (calendar, event) within
a 3-second window are gathered into one push (contract §7.2, Feishu's "事件聚合"):
create+delete → nothing, create+update → create, delete+update → delete, update+update → the last
update, rsvp+rsvp → the last rsvp per person; other pairs stay two pushes, in order.

Who acted is not in the push; Feishu names a person only in `rsvp_infos[].from_user_id` of an
rsvp change, so that is the only place the sandbox names one. Every subscriber of the calendar,
the actor included, gets the push (Feishu documents no exception for the actor).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

EVENT_TYPE = "calendar.calendar.event.changed_v4"


@dataclass
class Change:
    change_type: str                      # create | update | delete | rsvp
    rsvp_infos: list[dict] = field(default_factory=list)


def merge(pending: list[Change], new: Change) -> None:
    """Fold `new` into the window's list of changes, in place."""
    last = pending[-1] if pending else None
    pair = (last.change_type if last else None, new.change_type)
    if pair == ("create", "delete"):
        pending.pop()
    elif pair == ("create", "update"):
        return
    elif pair in (("delete", "update"), ("update", "delete"), ("update", "update")):
        pending[-1] = Change("delete" if "delete" in pair else "update")
    elif pair == ("rsvp", "rsvp"):
        by_person = {i["from_user_id"].get("open_id"): i for i in last.rsvp_infos}
        by_person.update({i["from_user_id"].get("open_id"): i for i in new.rsvp_infos})
        pending[-1] = Change("rsvp", list(by_person.values()))
    else:
        pending.append(new)


@dataclass
class _Window:
    changes: list[Change]
    user_id_list: list[dict]


class ChangeMerger:
    """Gathers changes per (calendar_id, event_id) and pushes them when the window closes."""

    def __init__(self, timeline: Any, send: Callable[[str, dict], Any]):
        self.timeline = timeline
        self.send = send
        self._open: dict[tuple[str, str], _Window] = {}
        self._lock = threading.Lock()

    def note(self, calendar_id: str, event_id: str, user_id_list: list[dict], change: Change) -> None:
        window = self.timeline.delays.merge_window
        key = (calendar_id, event_id)
        with self._lock:
            w = self._open.get(key)
            if w is not None:
                merge(w.changes, change)
                w.user_id_list = user_id_list
                return
            if window <= 0:
                w = None
            else:
                self._open[key] = _Window([change], user_id_list)
        if window <= 0:
            self._push(key, _Window([change], user_id_list))
        else:
            self.timeline.later(window, lambda: self._close(key))

    def _close(self, key: tuple[str, str]) -> None:
        with self._lock:
            w = self._open.pop(key, None)
        if w is not None:
            self._push(key, w)

    def _push(self, key: tuple[str, str], w: _Window) -> None:
        cid, eid = key
        for c in w.changes:
            payload = {"calendar_id": cid, "user_id_list": w.user_id_list, "calendar_event_id": eid,
                       "change_type": c.change_type}
            if c.change_type == "rsvp" and c.rsvp_infos:
                payload["rsvp_infos"] = c.rsvp_infos
            self.send(EVENT_TYPE, payload)
