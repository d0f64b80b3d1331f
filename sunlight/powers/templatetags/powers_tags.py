"""Template filters of the power list: money in yuan, time limits, risk level badges."""

from __future__ import annotations

from django import template

from sunlight.lib.money import format_yuan
from sunlight.risks.models import RiskLevel

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else ""


@register.filter
def level_badge(level: str) -> str:
    """The badge class of a risk level: red, yellow or green."""
    return {"high": "badge-red", "medium": "badge-yellow", "low": "badge-green"}.get(level, "")


@register.filter
def level_label(level: str) -> str:
    """A risk level's label, for levels kept as plain values (a plan's snapshot)."""
    return str(RiskLevel(level).label) if level in RiskLevel.values else level


@register.filter
def state_badge(state: str) -> str:
    return {
        "published": "badge-green",
        "approved": "badge-green",
        "submitted": "badge-yellow",
        "returned": "badge-red",
    }.get(state, "")
