"""Group commit for the acknowledgement's insert on PostgreSQL.

Every accepted event is written to the durable inbox before its 200. One INSERT and one
COMMIT per event costs a round trip, a WAL flush and, above all, the CPU of a statement
per request: at hundreds of events a second that CPU is most of an acknowledgement. So
request threads hand their row to a few writer threads and wait; a free writer inserts
every row that is waiting in one statement (`INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING
RETURNING event_id`, autocommit) and wakes each request with its own answer. Nothing is
acknowledged before its row is committed, exactly as before; a failed batch fails every
request in it (each answers 503 and Feishu delivers again).
"""
from __future__ import annotations

import functools
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("yue.store")

MAX_BATCH = 100         # rows per statement; a burst beyond this is written in several
WRITERS = 3             # batches in flight at once: while one waits for its WAL flush, the next is sent
WAIT_S = 30.0           # a request gives up (503, Feishu re-delivers) if the writer is stuck this long
_COLUMNS = "event_id, kind, payload, status, attempts, available_at, created_at, updated_at"
_ROW = "(%s, %s, %s::json, 'new', 0, %s, %s, %s)"


@functools.lru_cache(maxsize=MAX_BATCH)
def _statement(n: int) -> str:
    return (f"INSERT INTO yue_inbox ({_COLUMNS}) VALUES {', '.join([_ROW] * n)} "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id")


@dataclass(eq=False)
class _Put:
    event_id: str
    params: tuple[Any, ...]
    done: threading.Event = field(default_factory=threading.Event)
    inserted: bool = False
    error: BaseException | None = None


class InboxWriter:
    """`writers` threads per process, started on the first put."""

    def __init__(self, engine: Engine, writers: int = WRITERS) -> None:
        self._engine = engine
        self._cond = threading.Condition()
        self._pending: list[_Put] = []
        self._writers = writers
        self._threads: list[threading.Thread] = []
        self._closed = False

    def put(self, event_id: str, kind: str, payload: dict[str, Any], now: datetime) -> bool:
        """Insert one inbox row; True if it is new, False if `event_id` was already there."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        job = _Put(event_id, (event_id, kind, body, now, now, now))
        with self._cond:
            if self._closed:
                raise RuntimeError("the store is closed")
            if len(self._threads) < self._writers:
                t = threading.Thread(target=self._run, name=f"yue-inbox-writer-{len(self._threads)}", daemon=True)
                self._threads.append(t)
                t.start()
            self._pending.append(job)
            self._cond.notify()
        if not job.done.wait(WAIT_S):
            raise TimeoutError("the inbox writer did not answer")
        if job.error is not None:
            raise job.error
        return job.inserted

    def close(self) -> None:
        """Let the writer threads end once nothing is waiting (the store is being closed)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                self._write(batch)
            except BaseException as e:   # every waiter gets it; the thread lives on
                for job in batch:
                    job.error = e
            for job in batch:
                job.done.set()

    def _write(self, batch: list[_Put]) -> None:
        # The same event twice in one batch (a re-delivery racing its original): the first
        # one is written, the others are duplicates whatever the database says.
        first: dict[str, _Put] = {}
        for job in batch:
            first.setdefault(job.event_id, job)
        rows = list(first.values())
        params = tuple(p for job in rows for p in job.params)
        for attempt in (1, 2):
            try:
                with self._engine.connect() as c:
                    new = {r[0] for r in c.exec_driver_sql(_statement(len(rows)), params)}
                break
            except DBAPIError as e:
                if not e.connection_invalidated or attempt == 2:
                    raise
                log.info("inbox insert: the database dropped a pooled connection; once more on a new one")
        for job in rows:
            job.inserted = job.event_id in new
