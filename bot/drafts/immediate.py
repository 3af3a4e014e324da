"""leave and share: done at once when asked, with an Undo that removes what was created.
One draft per message (keyed by its message_id), so a message handled twice shows the
same result instead of doing it twice."""
from __future__ import annotations

import datetime as dt
from typing import Any
from collections.abc import Callable

from bot import cards, oauth, people
from bot.feishu import FeishuError
from bot.store import Draft

from .payloads import LeavePayload, SharePayload
from .table import State, StateTable, ended, on_click, table
from .undo import acted, undo_click, undoer


def leave_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    p = LeavePayload.of(draft.payload)
    conv = dt.date.fromisoformat if p.all_day else dt.datetime.fromisoformat
    undo = draft.undo_until if draft.status == "booked" else None
    return cards.leave_card(draft.id, conv(p.start), conv(p.end), p.tz, lang, now, all_day=p.all_day,
                            undo_until=undo)


def share_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    p = SharePayload.of(draft.payload)
    names = [people.display(people.lookup(bot, g), lang) for g in p.grantees]
    grantee = cards.Person(name=", ".join(names), open_id=p.grantees[0] if p.grantees else "")
    undo = draft.undo_until if draft.status == "booked" else None
    return cards.share_card(draft.id, grantee, p.role, lang, now, undo_until=undo, tz=p.tz)


VIEWS = {"leave": leave_view, "share": share_view}


def _view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict | None:
    return VIEWS[draft.kind](bot, draft, lang, now)


def _undone(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    from .undo import what
    return cards.undone_card(what(bot, draft, lang), lang)


IMMEDIATE = table(StateTable(kinds=("leave", "share"), states={
    "pending": State(toast="working"),                 # being done right now (the message's worker)
    "booked": State(clicks={"undo": "undoing", "retry": "undoing"}, toast="already_done", card=_view),
    "undoing": State(toast="working"),
    "undone": ended("already_done", _undone),
    "gone": ended("already_done", lambda bot, d, lang, now: cards.status_card("gone", lang)),
    "expired": ended("expired"),
}))

for _kind in ("leave", "share"):
    on_click(_kind, "undo", "retry")(undo_click)


def do_once(ctx, kind: str, payload: dict[str, Any], work: Callable[[], dict]) -> Draft:
    """The draft of this message's `kind` action, doing `work()` (→ result) only if no
    earlier pass of the same message did it already."""
    store = ctx.bot.store
    draft = store.create_draft(ctx.sender.open_id, kind, {**payload, "source_message": ctx.message_id},
                               chat_id=ctx.chat_id, key=f"{ctx.message_id}:{kind}")
    if draft.status != "pending":
        return draft
    return acted(ctx.bot, draft, {"pending"}, work()) or store.get_draft(draft.id) or draft


# --- Undo ---------------------------------------------------------------------------------------

def _what_leave(bot, draft: Draft, lang: str) -> str:
    p = LeavePayload.of(draft.payload)
    conv = dt.date.fromisoformat if p.all_day else dt.datetime.fromisoformat
    start, end = conv(p.start), conv(p.end)
    return cards.t("what_leave", lang, when=cards.format.fmt_event_time(start, end, p.all_day, p.tz, lang))


def _what_share(bot, draft: Draft, lang: str) -> str:
    names = [people.display(people.lookup(bot, g), lang) for g in SharePayload.of(draft.payload).grantees]
    return cards.t("what_share", lang, names=cards.i18n.join(names, lang))


@undoer("leave", _what_leave)
def _remove_timeoff(bot, draft: Draft) -> bool:
    return bot.feishu.delete_timeoff((draft.result or {})["timeoff_event_id"])


@undoer("share", _what_share)
def _revoke(bot, draft: Draft) -> bool:
    r = draft.result or {}
    token = oauth.fresh_token(bot, draft.owner)
    if token is None:
        raise FeishuError(-1, "no user token", None, "permission", op="oauth")
    removed = []
    for acl in r.get("acls", []):
        if acl.get("previous_role"):        # the grant changed a role: Undo puts the old one back
            bot.feishu.create_acl(r["calendar_id"], acl["open_id"], acl["previous_role"], token)
            removed.append(True)
        else:
            removed.append(bot.feishu.delete_acl(r["calendar_id"], acl["acl_id"], token))
    return any(removed) or not removed
