"""Chinese and Arabic numerals: 三 → 3, 二十一 → 21, 二零一六 → 2016, 两 → 2."""
from __future__ import annotations

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}

# Regex pieces shared by the rule modules.
CN = "零〇一二两俩三四五六七八九十百千"
# Possessive (speed only): in every rule a count is followed by a space, 个, 半 or a unit,
# never by a digit, "." or a numeral, so giving characters back could not help a match.
NUM = rf"(?:\d++(?:\.\d++)?|[{CN}]++)"
INT = rf"(?:\d++|[{CN}]++)"
# Up to two digits or a small Chinese number: hours, minutes, days, months.
SMALL = r"(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
# A year written digit by digit: 2016, 16, 二零一六, 零八.
YEAR_DIGITS = r"(?:\d{4}|\d{2}|[零〇一二三四五六七八九]{4}|[零〇一二三四五六七八九]{2})"


def to_int(s: str) -> int | None:
    """Integer value of a numeral string, or None when it is not one."""
    if not s:
        return None
    if s.isascii():
        try:
            return int(s)
        except ValueError:
            return None
    if not any(ch in _UNIT for ch in s):
        # 二零一六 / 零五: digit by digit
        v = 0
        for ch in s:
            d = _DIGIT.get(ch)
            if d is None:
                return None
            v = v * 10 + d
        return v
    total, cur = 0, 0
    for ch in s:
        if ch in _DIGIT:
            cur = _DIGIT[ch]
        elif ch in _UNIT:
            total += (cur or 1) * _UNIT[ch]
            cur = 0
        else:
            return None
    return total + cur


def to_num(s: str) -> float | None:
    """Like to_int but accepts decimals ("1.5")."""
    if s and s.isascii() and "." in s:
        try:
            return float(s)
        except ValueError:
            return None
    v = to_int(s)
    return None if v is None else float(v)


def year_of(s: str, ref_year: int) -> int | None:
    """A written year; two digits are the closest century to the reference (98 → 1998)."""
    v = to_int(s)
    if v is None:
        return None
    if len(s) == 2:
        cands = (1900 + v, 2000 + v)
        return min(cands, key=lambda y: abs(y - ref_year))
    return v
