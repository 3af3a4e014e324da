"""Pure card builders: data → Feishu card JSON 2.0, strings from `i18n` (zh, en).

Every builder returns a dict ready for `json.dumps`: no None values, under
Feishu's 30 KB limit. Button callback values are `{"a": action, "d": draft_id, ...}`
(see `data.ACTIONS`).
"""
from .agenda import agenda_card, search_card
from .booked import booked_card, cancelled_event_card, invite_card, leave_card, rescheduled_card, share_card
from .connect import connect_card
from .data import (ACTIONS, ASK, CANCEL, CHOOSE, CONFIRM, MEAN, OTHER, PICK, RETRY, ROOM, SCOPE, UNDO, Booked,
                   Conflict, Event, OffHours, Person, Proposal, Room, SlotChoice, SlotsView, value)
from .did_you_mean import did_you_mean_card, intent_label
from .events import choose_event_card, scope_card
from .format import describe_rrule, fmt_range, fmt_when, zone_label
from .caldav import caldav_card, caldav_revoked_card
from .help import help_card, unknown_card
from .i18n import norm_lang, t
from .organizer import ask_organizer_card, confirm_cancel_card, not_organizer_card
from .proposal import proposal_card
from . import reminders  # noqa: F401,I001  (adds its strings; its builders are used as cards.reminders.*)
from .rooms import rooms_card
from .slots import slots_card
from .unknown_people import WITHOUT, unknown_people_card
from .no_such_date import no_such_date_card
from .own_time import own_time_card
from .cancel_all import cancel_all_card, cancel_all_none_card, cancelled_all_card
from .status import error_card, nothing_to_undo_card, status_card, toast, undone_card

__all__ = [
    "agenda_card", "search_card", "booked_card", "cancelled_event_card", "invite_card", "leave_card",
    "rescheduled_card", "share_card", "connect_card", "choose_event_card", "scope_card", "caldav_card",
    "caldav_revoked_card", "help_card", "unknown_card", "proposal_card", "slots_card", "error_card", "status_card",
    "toast", "undone_card", "nothing_to_undo_card", "did_you_mean_card", "intent_label", "MEAN",
    "ACTIONS", "CANCEL", "CHOOSE", "CONFIRM", "OTHER", "PICK", "RETRY", "SCOPE", "UNDO",
    "Booked", "Conflict", "Event", "Person", "Proposal", "Room", "SlotChoice", "SlotsView", "value",
    "ASK", "ROOM", "OffHours", "rooms_card", "not_organizer_card", "ask_organizer_card", "confirm_cancel_card",
    "WITHOUT", "unknown_people_card", "no_such_date_card", "own_time_card", "cancel_all_card", "cancel_all_none_card",
    "cancelled_all_card",
    "describe_rrule", "fmt_range", "fmt_when", "zone_label", "norm_lang", "t",
]
