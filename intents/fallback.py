"""Messages in a language other than Chinese or English: a best-effort reading.

    "明日の15時に会議"                  → schedule, tomorrow 15:00
    "morgen um 15 Uhr Meeting mit @Bob" → schedule, tomorrow 15:00 (the core adds Bob)

Languages: Japanese, German, French and Spanish, plus Italian and Portuguese with the same
small word lists. Which one a message is in comes from its script (kana → Japanese) or
from a few frequent words of each language outnumbering the English ones.

The day comes from `dateparser` (search_dates with the one language; imported on this path
only, as it takes about half a second to import): it knows weekday and month names and
relative days in 200+ locales. The clock time comes from a small per-language pattern
(15 Uhr, 15h30, 15時, a las 3 de la tarde) read first and taken out of the text, because
search_dates misreads those ("明日の15時" → 01:00 the day after, "um 15 Uhr" → 10:00).
Hours follow the contract: 1–6 without a marker are afternoon.

The intent comes from a per-language word list (meeting words → schedule; cancel, move,
free words) and is never very confident (at most 0.75), so the bot confirms first.

`lang` stays within the contract's "zh" | "en": these messages get "en", as English is
the reply language most readers of a non-Chinese message can read (a Japanese message
too: its reader is not assumed to read Chinese).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import decide
from .model import Analysis, TimeSpec

LANGS = ("ja", "de", "fr", "es", "it", "pt")

_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff]")
_TOKEN = re.compile(r"[a-zà-öø-ÿ'-]+")
# A few frequent words of each language (none of them an English word).
_WORDS = {
    "de": frozenset("um uhr morgen übermorgen heute mit und der die das am nächste nächsten woche montag dienstag "
                    "mittwoch donnerstag freitag samstag sonntag termin besprechung treffen bitte absagen verschieben "
                    "wir uns ich nachmittag vormittag abends morgens".split()),
    "fr": frozenset("demain aujourd'hui avec réunion le les lundi mardi mercredi jeudi vendredi samedi dimanche "
                    "rendez-vous rdv heures semaine prochaine prochain annuler déplacer nous je matin après-midi soir "
                    "une un du des".split()),
    "es": frozenset("mañana hoy reunión reunion con las el lunes martes miércoles jueves viernes sábado domingo "
                    "cita próximo próxima semana cancelar mover tarde noche nosotros una del los por favor".split()),
    "it": frozenset("domani oggi riunione con alle lunedì martedì mercoledì giovedì venerdì sabato domenica "
                    "appuntamento prossima settimana annullare spostare pomeriggio sera".split()),
    "pt": frozenset("amanhã hoje reunião com às segunda-feira terça-feira quarta-feira quinta-feira sexta-feira "
                    "sábado domingo encontro próxima semana cancelar remarcar tarde noite".split()),
}
_ENGLISH = frozenset("the a at with meeting tomorrow on in to and is i you me my for of pm am can let's lets "
                     "please today next this we it be".split())


def language_of(text: str) -> str | None:
    """The dateparser language code of a message this module reads, else None (zh or en)."""
    kana = len(_KANA.findall(text)) if not text.isascii() else 0
    if kana >= 2:
        return "ja"
    words = _TOKEN.findall(text.lower())
    if len(words) < 2:
        return None
    ws = set(words)
    best, hits = None, 0
    for code, vocab in _WORDS.items():
        n = len(ws & vocab)
        if n > hits:
            best, hits = code, n
    if hits >= 2 and hits > len(ws & _ENGLISH):
        return best
    return None


@dataclass(frozen=True)
class _Words:
    schedule: re.Pattern
    cancel: re.Pattern
    move: re.Pattern
    free: re.Pattern
    clock: re.Pattern          # groups: hour, minute (or None), then a pm marker (or None)
    days: re.Pattern           # day words dateparser may read (a match without one is noise)


def _C(rx: str) -> re.Pattern:
    return re.compile(rx, re.I)


_DIGITS_DAY = r"\d"
_LISTS = {
    "ja": _Words(_C(r"会議|ミーティング|打ち合わせ|打合せ|面談|mtg|予約|ランチ|面接"), _C(r"キャンセル|取り消|中止"),
                 _C(r"変更|延期|ずらし|移動"), _C(r"空いて|空き|都合"),
                 _C(r"(?:(午前|午後|夜))?\s*(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|(半))?|(\d{1,2}):(\d{2})"),
                 _C(r"今日|明日|明後日|あした|あさって|来週|今週|[月火水木金土日]曜|\d")),
    "de": _Words(_C(r"meeting|besprechung|termin|treffen|sitzung|call|telefonat|mittagessen|kaffee"),
                 _C(r"absagen|abgesagt|stornieren|streichen"), _C(r"verschieben|verlegen"), _C(r"\bfrei\b|zeit\s+hat"),
                 _C(r"\b(?:um\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*uhr\b(?:\s+(nachmittags|abends))?|\bum\s+(\d{1,2})(?::(\d{2}))?\b"),
                 _C(r"heute|morgen|übermorgen|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|woche|\d")),
    "fr": _Words(_C(r"réunion|reunion|rendez-vous|rdv|meeting|point|appel|déjeuner|café"), _C(r"annul"),
                 _C(r"déplac|décal|report"), _C(r"disponible|libre"),
                 _C(r"\b(\d{1,2})\s*h\s*(\d{2})?(?:\s+(du soir|de l'après-midi))?|\b(\d{1,2})\s*heures?(?:\s+(\d{2}))?"),
                 _C(r"aujourd'hui|demain|après-demain|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|semaine|\d")),
    "es": _Words(_C(r"reuni[oó]n|cita|junta|llamada|almuerzo|meeting|caf[eé]"), _C(r"cancel|anul"),
                 _C(r"mover|cambiar|aplazar|reprogramar|pasar"), _C(r"libre|disponible"),
                 _C(r"\ba\s+las?\s+(\d{1,2})(?::(\d{2}))?(?:\s+de\s+la\s+(tarde|noche|mañana))?|\b(\d{1,2}):(\d{2})"),
                 _C(r"hoy|mañana|pasado|lunes|martes|miércoles|jueves|viernes|sábado|domingo|semana|\d")),
    "it": _Words(_C(r"riunione|appuntamento|meeting|chiamata|pranzo"), _C(r"annull|cancell"), _C(r"spost|rimand"),
                 _C(r"liber|disponibil"), _C(r"\balle\s+(\d{1,2})(?::(\d{2}))?|\b(\d{1,2}):(\d{2})"),
                 _C(r"oggi|domani|dopodomani|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|settimana|\d")),
    "pt": _Words(_C(r"reuni[aã]o|encontro|meeting|chamada|almoço"), _C(r"cancel"), _C(r"remarc|adi|mudar"),
                 _C(r"livre|dispon[ií]vel"), _C(r"\b[àa]s\s+(\d{1,2})(?::(\d{2}))?|\b(\d{1,2})h(\d{2})?|\b(\d{1,2}):(\d{2})"),
                 _C(r"hoje|amanhã|depois|segunda|terça|quarta|quinta|sexta|sábado|domingo|semana|\d")),
}
_PM_WORDS = ("午後", "夜", "nachmittags", "abends", "du soir", "de l'après-midi", "tarde", "noche")
_AM_WORDS = ("午前", "mañana")


def _clock(text: str, words: _Words) -> tuple[tuple[int, int, list[str]] | None, tuple[int, int] | None]:
    """((hour, minute, assumptions), span) of the first clock time, by the contract's conventions."""
    m = words.clock.search(text)
    if not m:
        return None, None
    groups = [g for g in m.groups()]
    nums = [g for g in groups if g is not None and g.isdigit()]
    if not nums:
        return None, None
    hour, minute = int(nums[0]), int(nums[1]) if len(nums) > 1 else 0
    if "半" in groups:
        minute = 30
    marks = [g for g in groups if g is not None and not g.isdigit()]
    assumptions = []
    if any(mk.lower() in _PM_WORDS for mk in marks):
        hour += 12 if hour < 12 else 0
    elif any(mk.lower() in _AM_WORDS for mk in marks):
        hour = 0 if hour == 12 else hour
    elif 1 <= hour <= 6 and ":" not in m.group(0):
        hour += 12
        assumptions.append("pm_assumed")
    if hour > 23 or minute > 59:
        return None, None
    return (hour, minute, assumptions), m.span()


def _day(text: str, code: str, words: _Words, now: dt.datetime) -> dt.date | None:
    """The day named in `text`, read by dateparser (imported here: slow to import)."""
    from dateparser.search import search_dates  # noqa: PLC0415 (lazy on purpose)

    settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        found = search_dates(text, languages=[code], settings=settings) or []
    except Exception:  # dateparser on odd input: no day rather than a crash
        return None
    for phrase, when in found:
        if words.days.search(phrase):
            return when.date()
    return None


def analyze(text: str, now: dt.datetime, code: str) -> Analysis:
    """Read `text` (mentions blanked) in language `code` at `now` (aware)."""
    words = _LISTS[code]
    clock, span = _clock(text, words)
    rest = text if span is None else text[:span[0]] + " " + text[span[1]:]
    day = _day(rest, code, words, now) if words.days.search(rest) else None
    ts = TimeSpec()
    if clock is not None:
        hour, minute, ts.assumptions = clock[0], clock[1], list(clock[2])
        base = day or now.date()
        start = dt.datetime(base.year, base.month, base.day, hour, minute, tzinfo=now.tzinfo)
        if day is None and start < now:
            start += dt.timedelta(days=1)
            ts.assumptions.append("rolled_to_tomorrow")
        ts.start = start
    elif day is not None:
        ts.start, ts.all_day = day, True
    ev: set[str] = set()
    noun = words.schedule.search(text)
    for name, rx in (("cancel", words.cancel), ("reschedule", words.move), ("find_time", words.free)):
        if rx.search(text):
            ev.add("cue:" + name)
    if noun:
        ev.add(decide.ACTIVITY)
    dec = decide.judge(ev, ts.has_time(), False)
    if dec.confidence > 0.75:  # a word list in a language the rules do not read: confirm first
        dec = decide.Decision(dec.intent, 0.75, dec.alternatives, dec.fired, dec.evidence)
    a = Analysis(ts, dec.reading())
    a.decision = dec
    if noun and dec.intent == "schedule":
        a.title = noun.group(0)
    elif noun and dec.intent in ("cancel", "reschedule"):
        a.query = noun.group(0)
    return a
