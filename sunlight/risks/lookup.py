"""What other apps read from the risk register: the pre-warning shown before a case starts (S12)."""

from __future__ import annotations

from django.db.models import Prefetch

from sunlight.risks.models import LEVEL_ORDER, ControlMeasure, MeasureStatus, RiskPoint


def prewarning(power_code: str, *, public_only: bool = False) -> list[RiskPoint]:
    """The active risk points of a power, highest first, with their red lines and live measures.

    The case engine shows these before a process starts ("this business has these risk points;
    crossing a red line leads to this"); the public guide shows the public ones.
    """
    points = RiskPoint.objects.public() if public_only else RiskPoint.objects.active()
    live = ControlMeasure.objects.exclude(status=MeasureStatus.RETIRED).order_by("number")
    found = list(
        points.filter(power__code=power_code.strip().upper())
        .select_related("post")
        .prefetch_related(Prefetch("measures", queryset=live))
    )
    return sorted(found, key=lambda p: (LEVEL_ORDER.get(p.level, 9), p.code))
