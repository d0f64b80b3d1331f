"""Pre-warning (前期预警, S12): the power's risk points and red lines, shown before a case starts."""

from __future__ import annotations

from dataclasses import dataclass

from sunlight.processes.models import ProcessDefinition


@dataclass(frozen=True)
class RiskWarning:
    id: int
    level: str
    description: str
    red_line: str
    consequence: str


def risk_points(definition: ProcessDefinition) -> list[RiskWarning]:
    """The published risk points of the definition's power item (none until the register has them)."""
    if not definition.power_code:
        return []
    try:
        from sunlight.risks.lookup import warnings_for_power  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return []
    return [
        RiskWarning(w.id, w.level, w.description, w.red_line, w.consequence)
        for w in warnings_for_power(definition.power_code)
    ]
