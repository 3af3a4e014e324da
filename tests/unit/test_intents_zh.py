"""Chinese rules: numerals, holiday table, speed, and no exceptions on odd input."""
from __future__ import annotations

import datetime as dt
import random

from intents.timeutil import zone
from intents.zh import analyze
from intents.zh.holidays import holiday_date, next_holiday
from intents.zh.numerals import to_int, year_of

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=zone("Asia/Shanghai"))


def test_numerals():
    assert to_int("二十一") == 21
    assert to_int("二零一六") == 2016
    assert to_int("十") == 10
    assert to_int("零五") == 5
    assert to_int("两") == 2
    assert year_of("九零", 1973) == 1990
    assert year_of("07", 2017) == 2007


def test_holidays():
    assert holiday_date("spring", 2026) == dt.date(2026, 2, 17)
    assert holiday_date("midautumn", 2025) == dt.date(2025, 10, 6)
    assert holiday_date("eve", 2023) == dt.date(2024, 2, 9)  # 除夕 ends lunar year 2023
    assert holiday_date("qingming", 2026) == dt.date(2026, 4, 5)
    assert holiday_date("mother", 2026) == dt.date(2026, 5, 10)
    assert next_holiday("xmas", dt.date(2026, 12, 26)) == dt.date(2027, 12, 25)
    assert holiday_date("spring", 1890) is None  # outside the table: not guessed


def test_never_raises_on_any_unicode():
    rnd = random.Random(7)
    pools = ["明天下午3点到4点半周一每隔前后上下个小时0123456789:.-~/至和之间以前起元旦",
             "".join(chr(c) for c in range(0x20, 0x3000, 37)) + "\u200b\ufeff\U0001F600\x00"]
    for i in range(3000):
        pool = pools[i % 2]
        s = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 40)))
        analyze(s, NOW)
