"""Scheduled jobs (reminders, digests, housekeeping): the store methods the scheduler uses (the table is in `tables`).

A job is one thing to do at `due_at` (UTC). `occurs_at` is the occurrence it stands for
— the time the person asked for — and stays put while `due_at` moves for a retry or an
event re-check; the message a job sends is keyed by (job id, occurs_at), so the Feishu
`uuid` is the same for every attempt at one occurrence.

Exactly once across instances: `jobs_claim` leases due jobs with `FOR UPDATE SKIP LOCKED`
on PostgreSQL and a compare-and-set UPDATE under SQLite's `BEGIN IMMEDIATE` (the same
code: SQLite ignores FOR UPDATE and serialises writers). Every later step names the lease
token, so a worker whose lease ran out cannot mark a job another worker now holds.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.core import StoreCore
from bot.store.tables import JOB_STATUSES, Job, jobs

ACTIVE = ("scheduled", "running")
FINISHED = ("done", "dropped", "cancelled", "dead")
MAX_ATTEMPTS = 8          # claims of one occurrence (a worker that keeps dying on it) before it is dead


def _job(row: Row[Any]) -> Job:
    return Job(id=row.id, kind=row.kind, owner=row.owner, chat_id=row.chat_id, payload=row.payload,
               status=row.status, occurs_at=row.occurs_at, due_at=row.due_at, attempts=row.attempts,
               fired=row.fired, lease_token=row.lease_token, worker_id=row.worker_id, last_error=row.last_error,
               created_at=row.created_at)


class JobStore(StoreCore):
    """Scheduled jobs: add, lease, settle, cancel, list."""

    def job_add(self, job_id: str, kind: str, owner: str, occurs_at: datetime, payload: dict[str, Any],
                chat_id: str | None = None, due_at: datetime | None = None,
                now: datetime | None = None) -> tuple[Job, bool]:
        """Schedule a job for `occurs_at` (to run first at `due_at`, default the same);
        (job, created). An existing id (the same message processed again, a second click)
        returns the stored job unchanged."""
        now = self._when(now)
        occurs_at = self._when(occurs_at)
        due_at = occurs_at if due_at is None else self._when(due_at)
        try:
            with self._tx() as c:
                c.execute(insert(jobs).values(
                    id=job_id, kind=kind, owner=owner, chat_id=chat_id, payload=payload, status="scheduled",
                    occurs_at=occurs_at, due_at=due_at, attempts=0, fired=0, created_at=now, updated_at=now))
            created = True
        except IntegrityError:
            created = False
        got = self.job_get(job_id)
        assert got is not None
        return got, created

    def job_get(self, job_id: str) -> Job | None:
        with self._tx(write=False) as c:
            row = c.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return None if row is None else _job(row)

    def jobs_of(self, *, owner: str | None = None, chat_id: str | None = None, kind: str | None = None,
                statuses: Iterable[str] = ACTIVE, private: bool | None = None, limit: int = 50) -> list[Job]:
        """Active jobs (by default), soonest first. `private=True`: only those sent to the
        owner privately; `chat_id`: only those posting in that group."""
        q = select(jobs).where(jobs.c.status.in_(sorted(set(statuses))))
        if owner is not None:
            q = q.where(jobs.c.owner == owner)
        if chat_id is not None:
            q = q.where(jobs.c.chat_id == chat_id)
        if private:
            q = q.where(jobs.c.chat_id.is_(None))
        if kind is not None:
            q = q.where(jobs.c.kind == kind)
        with self._tx(write=False) as c:
            return [_job(r) for r in c.execute(q.order_by(jobs.c.occurs_at, jobs.c.id).limit(limit))]

    def jobs_active_count(self, kind: str | None = None) -> int:
        q = select(func.count()).select_from(jobs).where(jobs.c.status.in_(ACTIVE))
        if kind is not None:
            q = q.where(jobs.c.kind == kind)
        with self._tx(write=False) as c:
            return int(c.execute(q).scalar_one())

    @staticmethod
    def _due(now: datetime) -> ColumnElement[bool]:
        return or_(and_(jobs.c.status == "scheduled", jobs.c.due_at <= now),
                   and_(jobs.c.status == "running", jobs.c.lease_until < now))

    def jobs_claim(self, worker_id: str, lease_seconds: float = 120, limit: int = 10,
                   now: datetime | None = None) -> list[Job]:
        """Lease up to `limit` due jobs (or jobs whose worker's lease ran out) to `worker_id`,
        oldest due first. No job is leased to two workers at once."""
        now = self._when(now)
        token = secrets.token_hex(16)
        with self._tx() as c:
            rows = c.execute(select(jobs.c.id, jobs.c.status, jobs.c.attempts).where(self._due(now))
                             .order_by(jobs.c.due_at, jobs.c.id).limit(limit)
                             .with_for_update(skip_locked=True)).all()
            dead = [r.id for r in rows if r.status == "running" and r.attempts >= MAX_ATTEMPTS]
            if dead:
                c.execute(update(jobs).where(jobs.c.id.in_(dead), self._due(now)).values(
                    status="dead", lease_until=None, lease_token=None, updated_at=now,
                    last_error="lease expired after the last attempt (worker died?)"))
            ids = [r.id for r in rows if r.id not in dead]
            if not ids:
                return []
            c.execute(update(jobs).where(jobs.c.id.in_(ids), self._due(now)).values(
                status="running", attempts=jobs.c.attempts + 1, worker_id=worker_id, lease_token=token,
                lease_until=now + timedelta(seconds=lease_seconds), updated_at=now))
            got = c.execute(select(jobs).where(jobs.c.id.in_(ids), jobs.c.lease_token == token)
                            .order_by(jobs.c.due_at, jobs.c.id)).all()
        return [_job(r) for r in got]

    def _settle(self, job: Job, now: datetime | None, **values: Any) -> bool:
        """Finish a leased job's step; False when the lease is no longer `job`'s (expired and
        taken by another worker, or the job was cancelled meanwhile)."""
        with self._tx() as c:
            return c.execute(update(jobs).where(
                jobs.c.id == job.id, jobs.c.status == "running", jobs.c.lease_token == job.lease_token
            ).values(lease_until=None, lease_token=None, updated_at=self._when(now), **values)).rowcount == 1

    def job_fired(self, job: Job, next_at: datetime | None, now: datetime | None = None) -> bool:
        """The occurrence was sent: schedule the next one, or mark the job done."""
        if next_at is None:
            return self._settle(job, now, status="done", fired=jobs.c.fired + 1)
        next_at = self._when(next_at)
        return self._settle(job, now, status="scheduled", occurs_at=next_at, due_at=next_at, attempts=0,
                            fired=jobs.c.fired + 1, last_error=None)

    def job_move(self, job: Job, occurs_at: datetime, due_at: datetime | None = None,
                 payload: dict[str, Any] | None = None, now: datetime | None = None) -> bool:
        """Nothing sent: the job waits for `occurs_at` (an event moved, a missed occurrence
        skipped), or runs earlier at `due_at` to look again."""
        occurs_at = self._when(occurs_at)
        extra = {} if payload is None else {"payload": payload}
        return self._settle(job, now, status="scheduled", occurs_at=occurs_at,
                            due_at=self._when(due_at) if due_at else occurs_at, attempts=0, **extra)

    def job_end(self, job: Job, status: str, reason: str | None = None, now: datetime | None = None) -> bool:
        """Stop a leased job without sending (its event was cancelled: 'dropped')."""
        if status not in JOB_STATUSES:
            raise ValueError(f"unknown job status {status!r}")
        return self._settle(job, now, status=status, last_error=reason)

    def job_retry(self, job: Job, due_at: datetime, error: str, now: datetime | None = None) -> bool:
        """The step failed: try the same occurrence again at `due_at`."""
        return self._settle(job, now, status="scheduled", due_at=self._when(due_at), last_error=error[:500])

    def job_cancel(self, job_id: str, owner: str | None = None, now: datetime | None = None) -> Job | None:
        """Cancel an active job (its owner's, when `owner` is given). The cancelled job,
        or None when there was nothing active to cancel."""
        conds = [jobs.c.id == job_id, jobs.c.status.in_(ACTIVE)]
        if owner is not None:
            conds.append(jobs.c.owner == owner)
        with self._tx() as c:
            if c.execute(update(jobs).where(*conds).values(
                    status="cancelled", lease_until=None, lease_token=None,
                    updated_at=self._when(now))).rowcount != 1:
                return None
            return _job(c.execute(select(jobs).where(jobs.c.id == job_id)).one())

    def jobs_prune(self, kind: str, older_than: datetime) -> int:
        """Delete finished jobs of `kind` last changed before `older_than` (the hourly
        housekeeping's own past runs); active ones are never touched. Returns how many."""
        cutoff = self._when(older_than)
        with self._tx() as c:
            return c.execute(delete(jobs).where(jobs.c.kind == kind, jobs.c.status.in_(FINISHED),
                                                jobs.c.updated_at < cutoff)).rowcount
