"""cancel: which event → (this one or the series) → deleted."""
from __future__ import annotations

from .existing import ask
from .registry import on_intent


@on_intent("cancel")
def handle(ctx) -> None:
    ask(ctx, "cancel", {})
