"""The slots card: up to N times as buttons, or "nobody is free" with best-effort options."""
from __future__ import annotations

from typing import Any

from .base import button, card, esc, md, row, stack
from .data import CANCEL, PICK, SlotsView, value
from .format import fmt_duration, fmt_hm, fmt_range, local, zone_label
from .i18n import join, t
from .proposal import assumption_lines
from .rooms import off_hours_items

MAX_SLOTS = 10


def slots_card(v: SlotsView, lang: str) -> dict[str, Any]:
    """Free times for draft `v.draft_id`.

    Each slot button carries `{"a": "pick", "d": draft_id, "i": index}` (index
    into `v.slots`); a Cancel button `{"a": "cancel", "d"}` closes the search.
    With `best_effort`, the card says nobody is free for everybody and each
    slot names who can't make it. With no slots at all it says so.
    """
    head = [f"**{esc(v.title) or t('untitled', lang)}** · {fmt_duration(v.duration_minutes, lang)}"]
    if v.intro:
        head.insert(0, esc(v.intro))
    if v.attendees:
        head.append("👥 " + join([esc(p.name) for p in v.attendees[:30]], lang))
    elements = [md("\n".join(head))]
    slots = list(v.slots[:MAX_SLOTS])
    if not slots:
        elements.append(md(f"😕 {t('no_slots', lang)}"))
    elif v.best_effort:
        elements.append(md(f"⚠️ {t('nobody_free', lang)}"))
    elif v.widened:
        elements.append(md(f"⚠️ {t('widened', lang)}"))
    else:
        elements.append(md(t('pick_slot', lang)))
    buttons = []
    for i, s in enumerate(slots):
        label = fmt_range(s.start, s.end, v.tz, lang)
        # Everyone elsewhere sees their own clock on the button (a group reads one card): one
        # entry per zone, at most four to keep it short.
        others = list({p.tz: p for p in v.attendees
                       if p.tz and local(s.start, p.tz).utcoffset() != local(s.start, v.tz).utcoffset()}.values())[:4]
        if others:
            label += " · " + ", ".join(f"{p.name} {fmt_hm(local(s.start, p.tz))} {zone_label(local(s.start, p.tz))}"
                                       for p in others)
        if s.off_hours:
            label += " · 🌙 " + join(off_hours_items(s.start, v.tz, s.off_hours, lang), lang)
        if s.unavailable:
            label += " — " + t("cant_make_it", lang, names=join(list(s.unavailable[:5]), lang))
            if len(s.unavailable) > 5:
                label += " " + t("and_more", lang, n=len(s.unavailable) - 5)
        kind = "primary" if i == 0 and not v.best_effort else "default"
        buttons.append(button(label, value(PICK, v.draft_id, i=i), kind))
    elements.extend(stack(buttons))
    notes = assumption_lines(v.assumptions, None, v.tz, lang)
    if notes:
        elements.append(md("ℹ️ " + "\n".join(notes), small=True))
    elements.append(row([button(t("btn_cancel", lang), value(CANCEL, v.draft_id), "danger")]))
    warn = v.best_effort or v.widened or not slots
    return card(t("title_slots", lang), "orange" if warn else "wathet", elements, lang)
