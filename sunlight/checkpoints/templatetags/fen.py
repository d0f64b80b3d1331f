"""Template filters for integer money and shares: {{ amount_fen|yuan }}, {{ share|bp }}."""

from __future__ import annotations

from django import template

from sunlight.lib.money import format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """12345678 → '123,456.78 元'."""
    return "-" if fen is None else format_yuan(int(fen))


@register.filter
def bp(value: int | None) -> str:
    """4550 basis points → '45.50%'."""
    if value is None:
        return "-"
    whole, rest = divmod(int(value), 100)
    return f"{whole}.{rest:02d}%"
