"""What a rule at each node sees: typed sample contexts, and turning a context into CEL values.

The sample context of a node kind *is* its type declaration: the checker reads the types off
the sample values (int, bool, string, date, nested objects, lists), and the dry run executes
the rule on it. `Open(...)` marks a map whose keys are not fixed (a case's form data).

Every context also holds `today` (the day of evaluation) and `params` (the rule's parameters,
with the unit's own values where the unit has them). Money is integer fen and shares are
integer basis points (20.00% = 2000): a float anywhere in a context is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sunlight.checkpoints.kinds import CASE_KINDS, NodeKind

RESERVED = ("today", "params")


class FloatInContext(TypeError):
    """A float (or Decimal) reached a checkpoint context: money is integer fen, never float."""


@dataclass(frozen=True)
class Open:
    """A map with free keys (values of any type); `sample` is what the dry run uses."""

    sample: Mapping[str, Any]


_SAMPLE_DAY = dt.date(2026, 6, 15)

_CONTRACT = {
    "code": "SWJ-HT-2026-001",
    "kind": "construction",
    "price_fen": 12_000_000_00,  # 12,000,000.00 yuan
    "changes_fen": 0,  # approved change orders so far
    "active": True,
    "integrity_signed": True,
    "project_code": "SWJ-XM-2026-001",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "case": {
        "case": {
            "number": "SWJ-2026-000123",
            "unit": "SWJ",
            "data": Open({"amount_fen": 120_000_00, "materials_complete": True, "opinion": "同意"}),
        },
        "form": Open({"opinion": "同意", "fee_fen": 0, "materials_complete": True}),
        "decision": "approve",
    },
    NodeKind.DESIGN_CHANGE: {
        "contract": _CONTRACT,
        "change": {"number": 3, "title": "堤身加高段设计变更", "amount_fen": 350_000_00},
        # Approved and pending change orders of the contract, this one excluded.
        "changes_before_fen": 1_200_000_00,
    },
    NodeKind.FUND_PAYMENT: {
        "contract": _CONTRACT,
        "milestone": {
            "number": 2,
            "name": "主体工程完工",
            "earliest_on": dt.date(2026, 6, 1),
            "max_share_bp": 6000,
        },
        "payment": {"amount_fen": 2_000_000_00, "on": _SAMPLE_DAY, "invoice_number": "43002601"},
        "paid_fen": 3_600_000_00,  # paid out already
        "pending_fen": 0,  # approved or awaiting approval, this request excluded
        "progress_bp": 6500,  # confirmed progress: 65.00%
        "duplicates": 0,  # live requests with the same invoice, or the same milestone and amount
    },
}


def sample_for(kind: str) -> dict[str, Any]:
    return SAMPLES["case" if kind in CASE_KINDS else kind]


def sample_with(kind: str, params: Mapping[str, int], on: dt.date = _SAMPLE_DAY) -> dict[str, Any]:
    return {**sample_for(kind), "today": on, "params": dict(params)}


def midnight(day: dt.date) -> dt.datetime:
    """A date as a CEL timestamp: midnight UTC, so dates compare as days."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def to_cel(value: Any, path: str = "context") -> Any:
    """A context value as CEL takes it; refuses floats, Decimals and anything without a CEL type."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        raise FloatInContext(f"{path} is a {type(value).__name__}: money is integer fen, shares basis points")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError(f"{path} is a naive datetime")
        return value
    if isinstance(value, dt.date):
        return midnight(value)
    if isinstance(value, Open):
        return to_cel(value.sample, path)
    if isinstance(value, Mapping):
        return {str(k): to_cel(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_cel(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{path} is a {type(value).__name__}, which a checkpoint cannot read")


def to_plain(value: Any) -> Any:
    """A context value for the ledger: dates as ISO strings (floats never get this far)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Open):
        return to_plain(value.sample)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value
