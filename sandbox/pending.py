"""Things Feishu finishes after answering: a room invited to an event answers later (accept when
free at every occurrence, decline when already booked), and an Exchange binding moves through
`doing → cal_done → timespan_done → done` (or `err`). Both run as jobs on the sandbox timeline
(sandbox/timeline.py), each in its own database session, and push what Feishu pushes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sandbox.calendar_models import CalAttendee, CalEvent, CalExchangeBinding, CalOccurrence, next_seq

EXCHANGE_STEPS = ("doing", "cal_done", "timespan_done", "done")
EXCHANGE_FAILED = "err"
# An account on a reserved, unreachable domain (RFC 2606 `.invalid`) fails after `doing`, so the
# error path can be exercised; every other binding completes.
UNREACHABLE = ".invalid"


def room_taken(s: Session, series_uid: str, room_id: str) -> bool:
    """Whether any occurrence of the series overlaps an accepted booking of the room."""
    booked = select(CalAttendee.series_uid).where(CalAttendee.room_id == room_id,
                                                  CalAttendee.rsvp_status == "accept",
                                                  CalAttendee.series_uid != series_uid)
    mine = select(CalOccurrence.start_ts, CalOccurrence.end_ts).where(CalOccurrence.series_uid == series_uid) \
        .subquery()
    hit = s.execute(select(CalOccurrence.id).join(mine, and_(CalOccurrence.start_ts < mine.c.end_ts,
                                                             CalOccurrence.end_ts > mine.c.start_ts))
                    .where(CalOccurrence.series_uid.in_(booked), CalOccurrence.busy.is_(True)).limit(1)).first()
    return hit is not None


def room_answer(s: Session, a: CalAttendee) -> None:
    a.rsvp_status = "decline" if room_taken(s, a.series_uid, a.room_id) else "accept"


# --- rooms ---------------------------------------------------------------------------------------

def schedule_room(st: Any, attendee_pk: int) -> None:
    st.timeline.later(st.timeline.delays.room or 0.0, lambda: decide_room(st, attendee_pk))


def decide_room(st: Any, attendee_pk: int) -> None:
    """The room answers: its attendee row changes and holders of the event hear an update."""
    from sandbox.calendar_events_core import holder_calendars, notify_event
    with st.db.session() as s:
        a = s.get(CalAttendee, attendee_pk)
        if a is None or a.type != "resource" or a.rsvp_status != "needs_action":
            return                      # removed meanwhile, or answered already
        room_answer(s, a)
        master = s.scalars(select(CalEvent).where(CalEvent.series_uid == a.series_uid,
                                                  CalEvent.is_exception.is_(False))).first()
        if master is None:
            return
        master.seq = next_seq(s)
        s.commit()
        notify_event(s, holder_calendars(s, master), master.event_id, "update", st=st)


# --- Exchange bindings ---------------------------------------------------------------------------

def schedule_binding(st: Any, binding_id: str) -> None:
    st.timeline.later(st.timeline.delays.exchange_step, lambda: advance_binding(st, binding_id))


def advance_binding(st: Any, binding_id: str) -> None:
    with st.db.session() as s:
        b = s.get(CalExchangeBinding, binding_id)
        if b is None or b.status not in EXCHANGE_STEPS[:-1]:
            return                      # unbound meanwhile, or finished
        if b.status == "doing" and b.exchange_account.lower().endswith(UNREACHABLE):
            b.status = EXCHANGE_FAILED
            return
        b.status = EXCHANGE_STEPS[EXCHANGE_STEPS.index(b.status) + 1]
        more = b.status != EXCHANGE_STEPS[-1]
    if more:
        schedule_binding(st, binding_id)


# --- after a restart -----------------------------------------------------------------------------

def resume(st: Any) -> None:
    with st.db.session() as s:
        rooms = list(s.scalars(select(CalAttendee.pk).where(CalAttendee.type == "resource",
                                                            CalAttendee.rsvp_status == "needs_action")))
        bindings = list(s.scalars(select(CalExchangeBinding.exchange_binding_id).where(
            CalExchangeBinding.status.in_(EXCHANGE_STEPS[:-1]))))
    for pk in rooms:
        schedule_room(st, pk)
    for bid in bindings:
        schedule_binding(st, bid)
