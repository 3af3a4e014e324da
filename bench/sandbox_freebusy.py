"""Free/busy on a calendar of 10,000 events (a quarter recurring), in a temporary SQLite database.

    python bench/sandbox_freebusy.py [--events 10000] [--runs 300] [--out result.json]

Data: 7,500 single events and 2,500 series (5% open-ended weekly, the rest bounded by COUNT or
UNTIL) spread over three years of history and six months ahead; one event in ten is organised
on someone else's calendar and attended, so the attendee path is part of every query.

Two timings over random one-week windows (within ±90 days of now), after a warm-up:
  * `function`: sandbox.api.freebusy.freebusy_items — exactly what the route calls, with the
    route's own SQLAlchemy session setup (the data path: occurrence index scans + timeoff);
  * `route`: POST /open-apis/calendar/v4/freebusy/list through the Flask app in-process
    (gateway token check, JSON parsing, user lookup, response), via Flask's test client — no
    socket, so it excludes the loopback hop that a live lark-oapi call adds.
Prints median/p95/p99 in milliseconds; --out writes them as JSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sandbox  # noqa: E402
from bot.config import Settings  # noqa: E402
from sandbox.api.freebusy import freebusy_items  # noqa: E402
from sandbox.calendar_models import CalAttendee, CalEvent, new_event_uid, new_short_id, primary_calendar  # noqa: E402
from sandbox.recurrence import materialize_series, series_end  # noqa: E402

PERSON = "ou_alice"
TZ = "Asia/Shanghai"


def build(app, n_events: int, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    db = app.extensions["sandbox"].db
    now = int(time.time())
    counts = {"single": 0, "recurring": 0, "attended": 0}
    t0 = time.perf_counter()
    with db.session() as s:
        cal = primary_calendar(s, PERSON, "user")
        other = primary_calendar(s, "ou_bob", "user")
        for i in range(n_events):
            recurring = i % 4 == 0
            # A calendar that has accumulated 10,000 events: three years of history and half a
            # year ahead, as a long-lived team calendar looks, not 10,000 events in one year.
            day = now + rnd.randint(-3 * 365, 180) * 86400
            start = day - day % 1800 + rnd.randint(0, 20) * 1800
            end = start + rnd.choice((1800, 3600, 5400))
            rule = ""
            if recurring:
                r = rnd.random()
                if r < 0.05:
                    rule = "FREQ=WEEKLY;BYDAY=MO,WE"                                  # open-ended
                elif r < 0.45:
                    rule = f"FREQ=WEEKLY;COUNT={rnd.randint(4, 52)}"
                elif r < 0.75:
                    rule = f"FREQ=DAILY;COUNT={rnd.randint(5, 30)}"
                else:
                    until = dt.datetime.fromtimestamp(start + rnd.randint(30, 365) * 86400, dt.UTC)
                    rule = f"FREQ=WEEKLY;INTERVAL=2;UNTIL={until:%Y%m%dT%H%M%SZ}"
            # One in ten is organised by someone else and attended: the attendee path is timed too.
            attended = i % 10 == 5
            uid = new_event_uid()
            ev = CalEvent(event_id=f"{uid}_0", series_uid=uid, calendar_id=(other if attended else cal).calendar_id,
                          summary=f"Event {i}", start_ts=start, end_ts=end, start_tz=TZ, end_tz=TZ, recurrence=rule,
                          series_end=series_end(rule, start, end, TZ), extra={})
            s.add(ev)
            if attended:
                s.add(CalAttendee(attendee_id=new_short_id("user_"), series_uid=uid, type="user", user_open_id=PERSON,
                                  rsvp_status="accept", display_name="Alice"))
                counts["attended"] += 1
            s.flush()
            materialize_series(s, uid)
            counts["recurring" if recurring else "single"] += 1
    counts["build_seconds"] = round(time.perf_counter() - t0, 1)
    return counts


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def summary(samples: list[float]) -> dict:
    return {"runs": len(samples), "median_ms": round(statistics.median(samples), 3),
            "p95_ms": round(pct(samples, 95), 3), "p99_ms": round(pct(samples, 99), 3),
            "max_ms": round(max(samples), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--out")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="fb-bench-")
    settings = Settings(sandbox_database_url=f"sqlite:///{tmp}/sandbox.db", var_dir=tmp, sandbox_empty=True)
    app = sandbox.create_app(settings)
    app.extensions["sandbox"].limiter.enabled = False      # the bench exceeds 50 req/s on purpose
    built = build(app, args.events)
    cn = dt.timezone(dt.timedelta(hours=8))
    rnd = random.Random(11)
    base = dt.datetime.now(cn).replace(hour=0, minute=0, second=0, microsecond=0)
    windows = [base + dt.timedelta(days=rnd.randint(-90, 90)) for _ in range(args.runs)]

    db = app.extensions["sandbox"].db
    fn_ms, sizes = [], []
    for i, lo in enumerate([windows[0]] * 20 + windows):
        ws, we = int(lo.timestamp()), int((lo + dt.timedelta(days=7)).timestamp())
        t0 = time.perf_counter()
        with db.session() as s:
            items = freebusy_items(s, ws, we, cn, open_id=PERSON)
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= 20:
            fn_ms.append(elapsed)
            sizes.append(len(items))

    client = app.test_client()
    token = client.post("/open-apis/auth/v3/tenant_access_token/internal",
                        data=json.dumps({"app_id": settings.app_id, "app_secret": settings.app_secret})).json
    headers = {"Authorization": f"Bearer {token['tenant_access_token']}"}
    route_ms = []
    for i, lo in enumerate([windows[0]] * 20 + windows):
        body = {"time_min": lo.isoformat(), "time_max": (lo + dt.timedelta(days=7)).isoformat(), "user_id": PERSON}
        t0 = time.perf_counter()
        resp = client.post("/open-apis/calendar/v4/freebusy/list", json=body, headers=headers)
        elapsed = (time.perf_counter() - t0) * 1000
        assert resp.json["code"] == 0, resp.json
        if i >= 20:
            route_ms.append(elapsed)

    result = {"events": built, "window_days": 7, "busy_items_per_window": {"median": statistics.median(sizes),
                                                                            "max": max(sizes)},
              "function": summary(fn_ms), "route": summary(route_ms), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
