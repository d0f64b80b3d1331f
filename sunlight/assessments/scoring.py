"""The arithmetic of the assessment, in integers only (points in hundredths, rounded down).

- An indicator's points rise linearly from 0 at its zero point to its weight at its full-marks
  point: points = weight × (value − zero) / (full − zero), kept between 0 and the weight.
- Indicators with nothing to measure are left out and the automatic total is scaled to the
  weights that apply: auto = Σ points × 100 / Σ applicable weights.
- Manual items add or deduct; the total stays between 0 and 100.
- Grades by the scheme's thresholds; ranks shared by equal totals (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from sunlight.assessments.models import AssessmentGrade, Measure

FULL_CENTI = 100 * 100  # 100 points in hundredths


def points(weight: int, zero: int, full: int, value: int | None) -> int | None:
    """Points in hundredths for `value`, or None when there is nothing to measure."""
    if value is None:
        return None
    top = weight * 100
    # Python's // rounds towards minus infinity; with the span negative (lower is better) both
    # operands are negative for values between the points, so the quotient still rounds down.
    earned = top * (value - zero) // (full - zero)
    return max(0, min(top, earned))


def automatic_total(scored: Iterable[tuple[int, int | None]]) -> int:
    """Σ points scaled to the applicable weights, from (weight, points or None) pairs."""
    weights = earned = 0
    for weight, got in scored:
        if got is None:
            continue
        weights += weight
        earned += got
    if weights == 0:
        return FULL_CENTI
    return earned * 100 // weights


def total(auto_centi: int, manual_centi: int) -> int:
    return max(0, min(FULL_CENTI, auto_centi + manual_centi))


def grade(total_centi: int, excellent: int, good: int, passing: int) -> AssessmentGrade:
    if total_centi >= excellent * 100:
        return AssessmentGrade.EXCELLENT
    if total_centi >= good * 100:
        return AssessmentGrade.GOOD
    if total_centi >= passing * 100:
        return AssessmentGrade.PASS
    return AssessmentGrade.FAIL


def ranks(totals: Sequence[int]) -> list[int]:
    """Competition ranking: 1 + how many totals are strictly higher."""
    ordered = sorted(totals, reverse=True)
    first: dict[int, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[value] for value in totals]


def ratio_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, rounded down; None when there is no whole."""
    return part * 10000 // whole if whole else None


def format_centi(centi: int | None, *, sign: bool = False) -> str:
    """1850 → '18.50'; −300 → '-3.00'."""
    if centi is None:
        return "—"
    prefix = "-" if centi < 0 else ("+" if sign and centi > 0 else "")
    whole, cents = divmod(abs(centi), 100)
    return f"{prefix}{whole}.{cents:02d}"


def format_value(value: int | None, measure: str) -> str:
    """An indicator's value as people read it: 9750 bp → '97.50%', 1500 hundredths → '15.00'."""
    if value is None:
        return "—"
    if measure == Measure.BASIS_POINTS:
        return f"{format_centi(value)}%"
    if measure == Measure.HUNDREDTHS:
        return format_centi(value)
    return str(value)


def parse_centi(text: str) -> int:
    """'-3', '+1.5', '2.25' → hundredths; ValueError for anything else (never a float)."""
    try:
        amount = Decimal(text.strip().replace("＋", "+").replace("－", "-"))
    except (InvalidOperation, AttributeError) as exc:
        raise ValueError(text) from exc
    centi = amount * 100
    if not amount.is_finite() or centi != centi.to_integral_value():
        raise ValueError(text)
    return int(centi)


def parse_measure(text: str, measure: str) -> int:
    """A rule's point as typed (per cent, hundredths' unit, or a count) → the stored integer."""
    if measure == Measure.COUNT:
        try:
            return int(text.strip())
        except (ValueError, AttributeError) as exc:
            raise ValueError(text) from exc
    return parse_centi(text.rstrip("% ").strip())


def display_measure(value: int, measure: str) -> str:
    """The stored integer of a rule's point as a form shows it (the inverse of parse_measure)."""
    if measure == Measure.COUNT:
        return str(value)
    text = format_centi(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
