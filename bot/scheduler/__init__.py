"""The scheduler: jobs in the database (reminders, digests, the hourly housekeeping) that
any instance's worker runs when due, each occurrence exactly once (see bot/store/jobs.py
for the lease and runner.py for the loop). Each job kind registers itself with
`@job_kind` (kinds.py); importing this package imports every kind, and the reminder
cards' buttons (clicks.py, `@on_draftless_click`), and fails if a kind is missing."""
from . import clicks, digest_job, housekeeping, remind_job  # noqa: F401  (they register)
from .kinds import KINDS, require
from .runner import Scheduler
from .timing import LATE_CUTOFF, ON_TIME

require(("remind", "digest", housekeeping.KIND))

__all__ = ["Scheduler", "KINDS", "LATE_CUTOFF", "ON_TIME"]
