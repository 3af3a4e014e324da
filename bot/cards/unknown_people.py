"""The card for @names Yue cannot resolve: it says who is unknown, how to name them so
Feishu says who they are, and (for a booking or a search) offers to go on without them."""
from __future__ import annotations

from typing import Any

from .base import button, card, esc, md, row
from .data import value
from .i18n import STRINGS, t

WITHOUT = "without"     # {"a", "d"}  run the message again without the unknown names

STRINGS.update({
    "title_unknown_people": ("我不认识「{names}」", "I don't know “{names}”"),
    "unknown_people_body": ("我找不到叫「{names}」的同事，所以什么都还没做。"
                            "要邀请同事，请输入 @ 后从列表里选人，这样我才知道是谁。",
                            "I can't find anyone called “{names}”, so I haven’t done anything yet. "
                            "To invite a colleague, type @ and pick them from the list, so I know who they are."),
    "unknown_people_ask": ("你想找的是谁？选好后重新发一次即可。",
                           "Who did you mean? Pick them and send the message again."),
    "btn_without_them": ("不带上他们，继续", "Continue without them"),
})


def unknown_people_card(names: list[str], lang: str, draft_id: str | None = None) -> dict[str, Any]:
    """Who is unknown; a "continue without them" button when `draft_id` is given."""
    shown = ("、" if lang == "zh" else ", ").join(esc(n, 40) for n in names)
    elements: list[dict[str, Any]] = [md(t("unknown_people_body", lang, names=shown)),
                                      md(t("unknown_people_ask", lang), small=True)]
    if draft_id:
        elements.append(row([button(t("btn_without_them", lang), value(WITHOUT, draft_id), "primary")]))
    return card(t("title_unknown_people", lang, names=shown), "orange", elements, lang)
