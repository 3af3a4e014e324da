"""find_time for 20 attendees over 5 working days, each with 40 events (a quarter recurring).

    python bench/find_time.py [--runs 20] [--gap 1.0] [--out result.json]

Set-up, in one process (as sandbox mode runs): the sandbox alone (`sandbox.create_app`,
SANDBOX_EMPTY=1, SQLite in a temporary directory, its gateway rate limiter ON) served on a
free loopback port by a threaded Werkzeug server; the 12 seeded people plus 8 people the bench
inserts (sandbox.store.User + sandbox.calendar_models.primary_calendar); every one of the 20
gets 40 events through the sandbox's own model and recurrence code (CalEvent +
materialize_series, as bench/sandbox_freebusy.py does): 30 single events inside next week's
Monday–Friday and 10 series that started before it (5 weekly on two weekdays, 5 daily with a
COUNT), so recurring occurrences fall in the window too.

Timed: what the find_time handler does between the parsed intent and the card — storing the
draft and `bot.planning.free_slots` (one freebusy.list per attendee, concurrent on the Feishu
client's pool and paced by its 50/s limiter, contact/working-hours look-ups, the slot finder) —
with a real `bot.runtime.Bot` (its own SQLite store) whose lark-oapi client talks HTTP to the
live sandbox. The owner is Alice; the window is next Monday 00:00 → Saturday 00:00 (Shanghai).
The first run (cold: contact look-ups; the tenant token is fetched before it) is reported apart; then `--runs` timed
runs, `--gap` seconds apart (a person asks, reads, asks again; back-to-back runs would only
measure the limiter's queue: 20 calls per run against 50/s).

A before_request hook added here, in the bench only, records every freebusy request the
sandbox receives, so the number of calls and the peak per second (any sliding 1-s window) are
counted by the receiving side; 429 answers are counted too.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import free_port, header, pct, table, write_out  # noqa: E402

TZ = "Asia/Shanghai"
FREEBUSY_PATH = "/open-apis/calendar/v4/freebusy/list"
EXTRA = [(f"bench{i:02d}", f"测试{i:02d}", f"Bench Person {i:02d}") for i in range(1, 9)]


def next_week(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = now.astimezone(ZoneInfo(TZ))
    monday = (local + dt.timedelta(days=7 - local.weekday())).date()
    start = dt.datetime.combine(monday, dt.time(0), ZoneInfo(TZ))
    return start, start + dt.timedelta(days=5)


def populate(app, people: list[str], window_start: dt.datetime, per_person: int, seed: int = 11) -> dict:
    from sandbox import store
    from sandbox.calendar_models import CalEvent, new_event_uid, primary_calendar
    from sandbox.recurrence import materialize_series, series_end

    rnd = random.Random(seed)
    db = app.extensions["sandbox"].db
    counts = {"single": 0, "recurring": 0}
    with db.session() as s:
        for key, name, en in EXTRA:
            if s.get(store.User, f"ou_{key}") is None:
                s.add(store.User(open_id=f"ou_{key}", union_id=f"on_{key}", user_id=key, name=name, en_name=en,
                                 email=f"{key}@example.com", time_zone=TZ, language="zh"))
        s.flush()
        base = int(window_start.timestamp())
        for oid in people:
            cal = primary_calendar(s, oid, "user")
            n_rec = per_person // 4
            for i in range(per_person):
                recurring = i < n_rec
                if recurring:
                    weekly = i % 2 == 0
                    # started before the window: weekly for 8 weeks back, daily for 2 weeks back
                    day0 = base - (8 * 7 if weekly else 14) * 86400 + rnd.randint(0, 4) * 86400
                    start = day0 + rnd.randint(9 * 2, 17 * 2) * 1800
                    rule = (f"FREQ=WEEKLY;BYDAY={rnd.choice(['MO,WE', 'TU,TH', 'MO,FR', 'WE,FR'])}" if weekly
                            else f"FREQ=DAILY;COUNT={rnd.randint(18, 30)}")
                else:
                    start = base + rnd.randint(0, 4) * 86400 + rnd.randint(9 * 2, 17 * 2) * 1800
                    rule = ""
                # `base` is midnight in Shanghai: the offsets above are Shanghai office hours
                end = start + rnd.choice((1800, 3600, 5400))
                uid = new_event_uid()
                s.add(CalEvent(event_id=f"{uid}_0", series_uid=uid, calendar_id=cal.calendar_id,
                               summary=f"Busy {i}", start_ts=start, end_ts=end, start_tz=TZ, end_tz=TZ,
                               recurrence=rule, series_end=series_end(rule, start, end, TZ), extra={}))
                s.flush()
                materialize_series(s, uid)
                counts["recurring" if recurring else "single"] += 1
    return counts


def peak_per_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--gap", type=float, default=1.0, help="seconds between the starts of two runs")
    ap.add_argument("--attendees", type=int, default=20)
    ap.add_argument("--events", type=int, default=40, help="events per attendee")
    ap.add_argument("--out")
    args = ap.parse_args()
    assert 0 < args.runs <= 200 and 2 <= args.attendees <= 20

    from flask import request
    from werkzeug.serving import make_server

    import sandbox
    from bot import planning
    from bot.config import Settings
    from bot.runtime import Bot
    from sandbox.seed import PEOPLE

    tmp = tempfile.mkdtemp(prefix="yue-find-time-")
    port = free_port()
    sb_settings = Settings.from_env({"SANDBOX_DATABASE_URL": f"sqlite:///{tmp}/sandbox.db", "SANDBOX_EMPTY": "1",
                                     "YUE_VAR_DIR": f"{tmp}/sandbox-var", "PORT": str(port),
                                     "YUE_SECRET_KEY": "bench-secret"})
    info = header("find_time: 20 attendees x 5 working days x 40 events",
                  {"runs": args.runs, "gap_s": args.gap, "attendees": args.attendees, "events_each": args.events,
                   "sandbox": "in-process, threaded Werkzeug, SQLite, SANDBOX_EMPTY=1, rate limiter on"})
    app = sandbox.create_app(sb_settings)
    people = [f"ou_{p[0]}" for p in PEOPLE] + [f"ou_{k}" for k, _, _ in EXTRA]
    people = people[:args.attendees]
    now = dt.datetime.now(dt.UTC)
    ws, we = next_week(now)
    t = time.perf_counter()
    counts = populate(app, people, ws, args.events)
    print(f"populated {len(people)} calendars ({counts}) in {time.perf_counter() - t:.1f}s; window {ws} → {we}")

    hits: list[tuple[float, int]] = []
    lock = threading.Lock()

    @app.after_request
    def _count(resp):  # bench-only hook: every freebusy request the sandbox answered, and when
        if request.path == FREEBUSY_PATH:
            with lock:
                hits.append((time.monotonic(), resp.status_code))
        return resp

    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    th = threading.Thread(target=server.serve_forever, daemon=True)
    th.start()
    bot = None
    try:
        bot_settings = Settings.from_env({
            "FEISHU_APP_ID": "cli_sandbox_yue", "FEISHU_APP_SECRET": "sandbox-secret",
            "FEISHU_ENCRYPT_KEY": "sandbox-encrypt-key", "FEISHU_VERIFICATION_TOKEN": "sandbox-verification-token",
            "FEISHU_DOMAIN": f"http://127.0.0.1:{port}", "DATABASE_URL": f"sqlite:///{tmp}/yue.db",
            "YUE_VAR_DIR": f"{tmp}/bot-var", "YUE_SECRET_KEY": "bench-secret"})
        bot = Bot(bot_settings)
        payload = {"title": "Bench sync", "tz": TZ, "lang": "zh", "duration": 60, "attendees": people[1:],
                   "emails": [], "room": None, "room_wanted": None, "recurrence": None, "assumptions": []}

        def one() -> tuple[float, object, int]:
            n0 = len(hits)
            t0 = time.perf_counter()
            draft = bot.store.create_draft(people[0], "schedule", dict(payload), chat_id="oc_p2p_alice")
            view, found = planning.free_slots(bot, draft, "zh", (ws, we), dt.datetime.now(dt.UTC))
            ms = (time.perf_counter() - t0) * 1000
            return ms, view, len(hits) - n0

        # One serial call first, so the tenant token is fetched once: lark-oapi fetches it in every
        # thread that finds none, and 20 concurrent first fetches race in the sandbox's token
        # insert (sb_issued_tokens UNIQUE) — see bench/RESULTS.md.
        from bot import people as people_mod
        people_mod.lookup(bot, people[0])
        cold_ms, view, cold_calls = one()
        samples, calls = [], []
        last = cold_ms
        for _ in range(args.runs):
            time.sleep(max(0.0, args.gap - last / 1000))
            ms, view, n = one()
            last = ms
            samples.append(ms)
            calls.append(n)
    finally:
        if bot is not None:
            bot.feishu.close()
            bot.inbox.pool.shutdown(wait=False)
        server.shutdown()
        server.server_close()

    fb_times = [t for t, _ in hits]
    statuses = {}
    for _, st in hits:
        statuses[str(st)] = statuses.get(str(st), 0) + 1
    med, p95 = statistics.median(samples), pct(samples, 95)
    slots = [(c.start.isoformat(), c.end.isoformat()) for c in view.slots]
    rows = [["cold (1st)", 1, cold_ms, cold_ms, cold_ms, cold_calls],
            ["warm", len(samples), med, p95, max(samples), round(statistics.mean(calls), 1)]]
    print()
    print(table(rows, ["run", "n", "median ms", "p95 ms", "max ms", "freebusy calls/run"]))
    peak = peak_per_second(fb_times)
    print(f"\nfreebusy calls in total: {len(hits)} (HTTP statuses {statuses}); peak in any 1 s: {peak}")
    print(f"last card: {len(slots)} slots, best_effort={view.best_effort}: {slots}")
    met = p95 < 300 and peak <= 50 and statuses.get("429", 0) == 0
    print(f"target (< 300 ms, freebusy inside 50/s): {'MET' if met else 'NOT MET'} "
          f"(median {med:.0f} ms, p95 {p95:.0f} ms, peak {peak}/s)")
    write_out(args.out, dict(info, populated=counts, window=[ws.isoformat(), we.isoformat()], cold_ms=cold_ms,
                             median_ms=med, p95_ms=p95, max_ms=max(samples), samples_ms=samples,
                             freebusy_calls_per_run=calls, freebusy_total=len(hits), freebusy_statuses=statuses,
                             peak_per_second=peak, slots=slots, best_effort=view.best_effort, target_met=met))
    return 0


if __name__ == "__main__":
    sys.exit(main())
