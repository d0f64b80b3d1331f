"""Shares of a price as integer basis points (万分之一): 45.50% = 4550. No float ever holds one."""

from __future__ import annotations

import re

_PERCENT = re.compile(r"^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$")


class NotAShare(ValueError):
    pass


def parse_percent(text: str) -> int:
    """'45', '45.5', '45.50%' → 4550 basis points; refuses more than two decimals and over 100%."""
    match = _PERCENT.match(text)
    if match is None:
        raise NotAShare(text)
    whole, decimals = match.groups()
    bp = int(whole) * 100 + int((decimals or "0").ljust(2, "0"))
    if bp > 10_000:
        raise NotAShare(text)
    return bp


def format_bp(bp: int) -> str:
    """4550 → '45.50%'."""
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}%"


def share_bp(part_fen: int, whole_fen: int) -> int:
    """part / whole in basis points, rounded down (for display: rules compare exactly)."""
    return part_fen * 10_000 // whole_fen if whole_fen else 0
