"""The scheduler: jobs in the database (reminders, digests) that any instance's worker
runs when due, each occurrence exactly once (see bot/store/jobs.py for the lease and
runner.py for the loop). Job kinds register in `KINDS`."""
from .runner import KINDS, Scheduler
from .timing import LATE_CUTOFF, ON_TIME

__all__ = ["Scheduler", "KINDS", "LATE_CUTOFF", "ON_TIME"]
