"""Colloquial and mistyped time words, rewritten before the time rules run (same length,
so every span still points at the text as written):

- dialect: 后儿 → 后天 (明儿/今儿/昨儿 are rule words already), 礼拜 → 星期, 一个钟 → 一小时;
- one-character typos of the input method (a homophone in place of the right character):
  下五/下舞/上伍/中武 → 下午/上午/中午 where the 五 cannot be the number five (after a day word,
  or before a clock hour: 明天下五, 下五3点; not 下五天, 下五个, 上五楼); 星其 → 星期, 明添 → 明天;
- English day words in a Chinese message: tmr 下午3点 → 明天 下午3点 (padded with spaces);
- the 下 of 一下 (查一下12月1日, 记一下周五晚上) is blanked: it is no "next";
- a reminder's lead time (提前15分钟提醒我, 会前半小时提醒): blanked, it is no duration and no
  time of the meeting; `lead_minutes` reads its value.
"""
from __future__ import annotations

import re

from .numerals import CN, to_num

# The characters without which nothing here can match (speed: most messages have none).
_TRIGGERS = frozenset("儿拜钟五舞伍武其起添填提前醒")
_WORDS = {"后儿": "后天", "礼拜": "星期", "个钟头": "个小时", "个钟": "小时",
          # homophones the input method offers first: 星其 (星期), 明添 / 后填 (明天 / 后天)
          "星其": "星期", "星起": "星期", "明添": "明天", "明填": "明天", "后添": "后天", "后填": "后天",
          "今添": "今天"}
_WORD_CHARS = frozenset("儿拜钟其起添填")
_NOON_CHARS = frozenset("五舞伍武")
_WORD_RX = re.compile("|".join(sorted(_WORDS, key=len, reverse=True)))
# 下五 as 下午: after a day word (明天下五, 周三下五) or before an hour (下五3点, 下五两点半).
_NOON_TYPO = re.compile(r"(?:(?<=[天日号儿])|(?<=[周期][一二三四五六日天]))([上下中])[五舞伍武](?![天个周年月楼层号日位名])"
                        rf"|([上下中])[五舞伍武](?=\s*(?:\d|[{CN}]+\s*[点时:：]))")
_LEAD = rf"(\d+|[{CN}]+|半)\s*个?\s*(半)?\s*(分钟|分|小时|钟头|刻钟|刻|天)"
# 提前15分钟(提醒), 会前/开始前/开会前 10分钟(提醒), 10分钟前提醒
_REMIND_LEAD = re.compile(rf"提前\s*{_LEAD}|(?:会议?|开会|开始|活动)前\s*{_LEAD}|{_LEAD}\s*(?:之|以)?前(?=\s*(?:提醒|通知|叫))")
_REMIND_WORDS = ("提醒", "通知我", "叫我", "喊我")


def rewrite(text: str, chars: set[str]) -> tuple[str, list[tuple[int, int]]]:
    """`text` with dialect words, typos and a reminder's lead time rewritten (same length),
    and the spans blanked (the lead time: not part of a title either)."""
    blanked: list[tuple[int, int]] = []
    if not _LATIN.isdisjoint(chars):
        text = _EN_RX.sub(_en_day, text)
    if "下" in chars and "一下" in text:  # 查一下12月1日, 记一下周五: the 下 of 一下 shifts nothing
        text = _YIXIA.sub("  ", text)
    if _TRIGGERS.isdisjoint(chars):
        return text, blanked
    if not _NOON_CHARS.isdisjoint(chars):
        text = _NOON_TYPO.sub(lambda m: (m.group(1) or m.group(2)) + "午", text)
    if not _WORD_CHARS.isdisjoint(chars):
        text = _WORD_RX.sub(lambda m: _WORDS[m.group(0)], text)
    if "前" in chars and any(w in text for w in _REMIND_WORDS):
        def blank(m: re.Match) -> str:
            blanked.append(m.span())
            return " " * len(m.group(0))
        text = _REMIND_LEAD.sub(blank, text)
    return text, blanked


# English day words in a Chinese message (tmr 下午3点, 周五 eod): their Chinese word, padded with
# spaces to the same length. Short weekday names only as whole Latin words.
_EN_DAYS = {"tmr": "明天", "tmrw": "明天", "tomorrow": "明天", "2moro": "明天", "today": "今天", "tdy": "今天",
            "tonight": "今晚", "eod": "下班前", "monday": "周一", "mon": "周一", "tuesday": "周二", "tue": "周二",
            "tues": "周二", "wednesday": "周三", "wed": "周三", "thursday": "周四", "thu": "周四", "thur": "周四",
            "thurs": "周四", "friday": "周五", "fri": "周五", "saturday": "周六", "sunday": "周日"}
_EN_RX = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(_EN_DAYS, key=len, reverse=True)) + r")(?![A-Za-z])", re.I)
_YIXIA = re.compile(r"一下(?!午)")  # (一下午 is an afternoon)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _en_day(m: re.Match) -> str:
    w = _EN_DAYS[m.group(1).lower()]
    return w + " " * (len(m.group(1)) - len(w))


_UNIT_MIN = {"分钟": 1, "分": 1, "小时": 60, "钟头": 60, "刻钟": 15, "刻": 15, "天": 1440}


def lead_minutes(text: str) -> int | None:
    """The reminder's lead time in minutes (提前半小时提醒 → 30), or None."""
    if not any(w in text for w in _REMIND_WORDS):
        return None
    m = _REMIND_LEAD.search(text)
    if m is None:
        return None
    g = m.groups()
    for i in (0, 3, 6):
        if g[i + 2]:
            num, half, unit = g[i], g[i + 1], g[i + 2]
            break
    else:
        return None
    n = 0.5 if num == "半" else to_num(num)
    if n is None:
        return None
    if half:
        n += 0.5
    return int(round(n * _UNIT_MIN[unit]))
