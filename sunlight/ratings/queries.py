"""Reads of ratings: what the rater sees of their own case, what the portal publishes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from sunlight.cases.models import Case
from sunlight.orgs.models import Organisation
from sunlight.processes.models import ProcessDefinition
from sunlight.ratings.actions import rating_refusal
from sunlight.ratings.models import Contact, Grade, Rating

SATISFIED_GRADES = (Grade.VERY_SATISFIED, Grade.SATISFIED, Grade.FAIRLY_SATISFIED)


@dataclass(frozen=True)
class RaterView:
    """A case's ratings as its rater sees them: no staff names, no other rater's words."""

    ratings: list[Rating]
    contacts: list[Contact]
    can_rate: bool
    refusal: str


def rater_view(case: Case) -> RaterView:
    ratings = list(case.ratings.select_related("callback", "rectification", "appeal").order_by("round"))
    contacts = list(Contact.objects.filter(rating__case=case).order_by("occurred_at"))
    refusal = rating_refusal(case)
    return RaterView(ratings, contacts, not refusal, refusal)


@dataclass
class Satisfaction:
    """Counts of the counted ratings per grade for one unit or one power item."""

    key: str
    name: str
    unit_name: str = ""
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(self.counts.get(g, 0) for g in SATISFIED_GRADES)

    @property
    def rate(self) -> int | None:
        """Satisfaction in per cent (满意率: 非常满意 + 满意 + 基本满意 over all), rounded down."""
        return self.satisfied * 100 // self.total if self.total else None

    def grades(self) -> list[tuple[Any, int]]:
        return [(g, self.counts.get(g.value, 0)) for g in Grade]

    def grades_by_value(self) -> list[tuple[int, int]]:
        return [(int(g.value), self.counts.get(g.value, 0)) for g in Grade]


def _collect(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, dict[int, int]]:
    counts: dict[Any, dict[int, int]] = defaultdict(dict)
    for row in rows:
        counts[row[key]][row["grade"]] = row["n"]
    return counts


def satisfaction_by_unit() -> list[Satisfaction]:
    """Published per unit: counts only (never a comment), units with no rating left out."""
    counts = _collect(
        Rating.objects.counted().values("unit_id", "grade").annotate(n=Count("id")).order_by(), "unit_id"
    )
    units = Organisation.objects.filter(pk__in=counts).order_by("sort", "code")
    return [Satisfaction(unit.code, unit.name, counts=counts[unit.pk]) for unit in units]


def satisfaction_by_item() -> list[Satisfaction]:
    """Published per power item (the process's power code, else its own code)."""
    counts = _collect(
        Rating.objects.counted().values("case__definition__code", "grade").annotate(n=Count("id")).order_by(),
        "case__definition__code",
    )
    latest: dict[str, ProcessDefinition] = {}
    for definition in (
        ProcessDefinition.objects.filter(code__in=counts).select_related("owner").order_by("code", "version")
    ):
        latest[definition.code] = definition
    items = [
        Satisfaction(code, latest[code].name, latest[code].owner.name, counts[code])
        for code in counts
        if code in latest
    ]
    return sorted(items, key=lambda s: (s.unit_name, s.name))
