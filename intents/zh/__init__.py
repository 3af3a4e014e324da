"""Chinese rules for Yue's parser (Duckling-style: small rule families, then composition).

    analyze("明天下午3点和 开会 讨论预算", now) -> Analysis
"""
from __future__ import annotations

import datetime as dt

from ..model import Analysis
from . import script
from .timeparse import read_time


def analyze(text: str, now: dt.datetime) -> Analysis:
    """Read one Chinese message (mentions already blanked). `now` is aware, in the user's zone."""
    folded = script.fold(text or "")
    ts, spans = read_time(folded, now)
    return Analysis(time=ts)
