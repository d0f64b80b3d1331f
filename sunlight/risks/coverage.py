"""Coverage gaps of a unit's register: what the commission looks for first (S4).

- powers in force without any risk assessment,
- high risks without a live control measure,
- measures past their review date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from sunlight.powers.models import PowerVersion
from sunlight.risks.models import ControlMeasure, MeasureStatus, RiskPoint


@dataclass
class Gaps:
    powers_without_risk: list[PowerVersion]
    high_without_measure: list[RiskPoint]
    measures_past_review: list[ControlMeasure]

    @property
    def count(self) -> int:
        return len(self.powers_without_risk) + len(self.high_without_measure) + len(self.measures_past_review)

    def summary(self) -> dict[str, int]:
        return {
            "powers_without_risk": len(self.powers_without_risk),
            "high_without_measure": len(self.high_without_measure),
            "measures_past_review": len(self.measures_past_review),
        }


def gaps(unit_id: int, on: dt.date | None = None) -> Gaps:
    day = on or timezone.localdate()
    assessed = RiskPoint.objects.active().filter(power_id=OuterRef("item_id"))
    live_measure = ControlMeasure.objects.exclude(status=MeasureStatus.RETIRED).filter(
        risk_point=OuterRef("pk")
    )
    return Gaps(
        powers_without_risk=list(
            PowerVersion.objects.as_of(day)
            .of_unit(unit_id)
            .exclude(Exists(assessed))
            .select_related("item")
            .order_by("item__code")
        ),
        high_without_measure=list(
            RiskPoint.objects.active().of_unit(unit_id).high().exclude(Exists(live_measure)).order_by("code")
        ),
        measures_past_review=list(
            ControlMeasure.objects.review_overdue(day)
            .of_unit(unit_id)
            .select_related("risk_point", "owner")
            .order_by("next_review")
        ),
    )
