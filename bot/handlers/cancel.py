"""cancel: which event → (this one or the series) → deleted."""
from __future__ import annotations

from .existing import ask


def handle(ctx) -> None:
    ask(ctx, "cancel", {})
