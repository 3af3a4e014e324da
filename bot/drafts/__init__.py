"""Every pending thing a person can act on is a draft: a proposal or slots (`schedule`),
pick-a-meeting and its action (`cancel`, `reschedule`, `invite`), `leave`, `share`, an
`error` with Retry, a `didyoumean` choice. Each kind has one declarative state table
(`table.py`), its clicks are registered with `@on_click(kind, action)` beside the table,
its moves are compare-and-set in the store, and its Undo is defined per kind (`undo.py`).

    transport → clicks.on_card → the kind's table → @on_click handler → feishu → patched card
"""
from . import existing, immediate, messages, proposal  # noqa: F401  (they register their tables)
from . import bulk_cancel, existing_steps, organizer, rooms  # noqa: F401  (more clicks: rooms, the organizer, new times)
from .clicks import on_card
from .existing import as_card_event
from .housekeeping import STUCK_BOOKING, maintenance
from .immediate import do_once, leave_view, share_view
from .messages import INTENT_KEY, RETRY_KEY, WITHOUT_KEY, TryLater, ask, on_failure, tell_unknown
from .table import TABLES, require_handlers
from .undo import UNDO_WINDOW, undo_latest

require_handlers()

__all__ = ["on_card", "maintenance", "as_card_event", "do_once", "leave_view", "share_view", "ask",
           "tell_unknown", "WITHOUT_KEY", "on_failure", "TryLater", "INTENT_KEY", "RETRY_KEY", "TABLES",
           "UNDO_WINDOW", "STUCK_BOOKING", "undo_latest"]
