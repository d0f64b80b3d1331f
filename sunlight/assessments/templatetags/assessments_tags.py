"""Template filters of the assessment pages: points, per cents, yuan, grade badges."""

from __future__ import annotations

from django import template

from sunlight.assessments import analytics, scoring
from sunlight.lib.money import format_yuan

register = template.Library()


@register.filter
def centi(value: int | None) -> str:
    """Hundredths of a point: 1850 → 18.50."""
    return scoring.format_centi(value)


@register.filter
def signed_centi(value: int | None) -> str:
    return scoring.format_centi(value, sign=True)


@register.filter
def percent(bp: int | None) -> str:
    """Basis points: 9750 → 97.50%."""
    return "—" if bp is None else f"{scoring.format_centi(bp)}%"


@register.filter
def measured(value: int | None, measure: str) -> str:
    return scoring.format_value(value, measure)


@register.filter
def yuan(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else "—"


@register.filter
def wan(fen: int | None) -> str:
    """Fen as 万元 (ten thousand yuan) with two decimals: large sums fit a figure card."""
    if fen is None:
        return "—"
    hundredths = fen // 10_000  # 1 万元 = 1,000,000 fen
    whole, cents = divmod(abs(hundredths), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d} 万元"


@register.filter
def tenths(value: int | None) -> str:
    return analytics.format_tenths(value)


@register.filter
def grade_badge(grade: str) -> str:
    return {
        "excellent": "badge-green",
        "good": "badge-green",
        "pass": "badge-yellow",
        "fail": "badge-red",
    }.get(grade, "")
