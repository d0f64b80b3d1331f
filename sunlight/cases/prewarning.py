"""Pre-warning (前期预警, S12): the power's risk points and red lines, shown before a case starts."""

from __future__ import annotations

from dataclasses import dataclass

from sunlight.processes.models import ProcessDefinition
from sunlight.risks.lookup import prewarning


@dataclass(frozen=True)
class RiskWarning:
    id: int
    level: str
    level_label: str
    description: str
    red_line: str
    consequence: str


def risk_points(definition: ProcessDefinition) -> list[RiskWarning]:
    """The active risk points of the definition's power item, highest level first."""
    if not definition.power_code:
        return []
    return [
        RiskWarning(p.pk, p.level, str(p.get_level_display()), p.description, p.red_line, p.consequence)
        for p in prewarning(definition.power_code)
    ]
