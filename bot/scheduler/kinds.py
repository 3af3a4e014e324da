"""The job kinds: `@job_kind(name)` registers the function that runs a kind's jobs (each
kind's module registers itself; `bot/scheduler/__init__.py` imports them all, and the
runner only looks kinds up here), and the step every sending kind shares for an
occurrence missed past the cut-off."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from .timing import next_for

log = logging.getLogger("yue.scheduler")

KindFn = Callable[..., None]
KINDS: dict[str, KindFn] = {}


def job_kind(name: str) -> Callable[[KindFn], KindFn]:
    """Register `fn(bot, job, now)` as the runner of jobs of kind `name`."""
    def register(fn: KindFn) -> KindFn:
        if name in KINDS and KINDS[name] is not fn:
            raise ValueError(f"job kind {name!r} already run by {KINDS[name].__module__}")
        KINDS[name] = fn
        return fn
    return register


def require(names: Iterable[str]) -> None:
    """Raise ImportError naming every kind of `names` nobody registered."""
    missing = sorted(set(names) - set(KINDS))
    if missing:
        raise ImportError(f"no runner registered for job kind(s) {missing}")


def skip_missed(bot, job, now: dt.datetime, why: str) -> None:
    """An occurrence missed past the cut-off: the next one, or the end of a one-off."""
    nxt = next_for(job.payload, now)
    log.info("job %s: occurrence %s dropped (%s)", job.id, job.occurs_at.isoformat(), why)
    if nxt is None:
        bot.store.job_end(job, "dropped", why)
    else:
        bot.store.job_move(job, nxt)
