"""Statistics like the seed's: risk points, measures and diagrams per unit, category and level."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError
from django.db.models import Count

from sunlight.orgs.models import Organisation
from sunlight.powers.models import PowerCategory, PowerVersion
from sunlight.risks.models import ControlMeasure, RiskLevel, RiskPoint

log = logging.getLogger("sunlight.risks")


@dataclass
class Line:
    label: str
    powers: int = 0
    risk_points: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    measures: int = 0
    diagrams: int | None = None


def diagram_codes() -> set[str] | None:
    """Power codes that have a published process definition (the flow diagram, S3).

    The process definitions live in the `processes` app; None when it cannot say (yet).
    """
    try:
        model = apps.get_model("processes", "ProcessDefinition")
        return set(
            model.objects.filter(state="published")
            .exclude(power_code="")
            .values_list("power_code", flat=True)
            .distinct()
        )
    except (LookupError, FieldError, DatabaseError):
        log.info("no process definitions to count diagrams from")
        return None


@dataclass
class Figures:
    total: Line
    units: list[Line]
    categories: list[Line]
    levels: list[Line]


def statistics() -> Figures:
    current = list(
        PowerVersion.objects.current().values_list("item_id", "item__code", "item__unit_id", "category")
    )
    category_of_item: dict[int | None, str] = {item_id: category for item_id, _, _, category in current}
    unit_of_code = {code: unit_id for _, code, unit_id, _ in current}
    category_of_code = {code: category for _, code, _, category in current}
    diagrams = diagram_codes()
    units = {u.pk: Line(u.name) for u in Organisation.objects.units().order_by("sort")}
    categories = {value: Line(str(label)) for value, label in PowerCategory.choices}
    levels = {value: Line(str(label)) for value, label in RiskLevel.choices}
    for _item, _code, unit_id, kind in current:
        units[unit_id or 0].powers += 1
        categories[kind].powers += 1
    if diagrams is not None:
        for line in (*units.values(), *categories.values()):
            line.diagrams = 0
        for code in diagrams & set(unit_of_code):
            for line in (units[unit_of_code[code] or 0], categories[category_of_code[code]]):
                line.diagrams = (line.diagrams or 0) + 1
    points = RiskPoint.objects.active().values("unit_id", "power_id", "level").annotate(n=Count("pk"))
    for point in points:
        lines = [units[point["unit_id"]], levels[point["level"]]]
        in_category = categories.get(category_of_item.get(point["power_id"], ""))
        if in_category is not None:
            lines.append(in_category)
        for line in lines:
            line.risk_points += point["n"]
            setattr(line, point["level"], getattr(line, point["level"]) + point["n"])
    measures = (
        ControlMeasure.objects.live()
        .values("risk_point__unit_id", "risk_point__power_id", "risk_point__level")
        .annotate(n=Count("pk"))
    )
    for measure in measures:
        lines = [units[measure["risk_point__unit_id"] or 0], levels[measure["risk_point__level"]]]
        in_category = categories.get(category_of_item.get(measure["risk_point__power_id"], ""))
        if in_category is not None:
            lines.append(in_category)
        for line in lines:
            line.measures += measure["n"]
    total = Line("total", powers=len(current))
    if diagrams is not None:
        total.diagrams = len(diagrams & set(unit_of_code))
    for line in units.values():
        for name in ("risk_points", "high", "medium", "low", "measures"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
    return Figures(total, list(units.values()), list(categories.values()), list(levels.values()))
