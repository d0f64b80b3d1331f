"""Every change to the risk register: risk points, control measures and their revisions.

Drafted by the unit (`powers.rules.as_editor`, the same posts that draft the power list). A
revision records what prompted it (S26). The control plans are in `plans.py`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.models import Organisation
from sunlight.powers import rules
from sunlight.risks.content import (
    CODE_PATTERN,
    Directory,
    MeasureData,
    Prompt,
    RiskPointData,
    check_measure,
    check_point,
    check_prompt,
    diff,
    measure_data,
    normalised_measure,
    normalised_point,
    point_data,
)
from sunlight.risks.models import (
    CADENCE_MONTHS,
    ControlMeasure,
    MeasureStatus,
    RiskPoint,
    RiskRevision,
    RiskState,
    add_months,
)

_NUMBERED = re.compile(r"-(\d+)$")


def _next_numbers(unit: Organisation, count: int) -> list[str]:
    prefix = f"{unit.abbr}-FX-"
    taken = [
        int(m.group(1))
        for code in RiskPoint.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (m := _NUMBERED.search(code))
    ]
    start = max(taken, default=0) + 1
    return [f"{prefix}{n:04d}" for n in range(start, start + count)]


def _measure_row(
    point: RiskPoint, number: int, data: MeasureData, unit: Organisation, directory: Directory | None = None
) -> ControlMeasure:
    owner = check_measure(data, unit, directory)
    today = timezone.localdate()
    return ControlMeasure(
        risk_point=point,
        number=number,
        description=data.description,
        kind=data.kind,
        owner=owner,
        due_date=data.due_date,
        status=data.status,
        evidence=data.evidence,
        cadence=data.cadence,
        next_review=data.next_review or add_months(today, CADENCE_MONTHS[data.cadence]),
    )


@records_refusals
def create_risk_points(
    actor: Actor,
    unit: Organisation,
    entries: Sequence[tuple[str, RiskPointData, Sequence[MeasureData]]],
    *,
    directory: Directory | None = None,
) -> list[RiskPoint]:
    """Add risk points (each with its measures) to the unit's register; one leaf per row.

    `directory`: the unit's powers and posts when the caller (an import) has read them already.
    """
    acting = rules.as_editor(actor, unit, action="risks.create_point", obj=unit)
    generated = iter(_next_numbers(unit, sum(1 for code, *_ in entries if not code.strip())))
    points: list[RiskPoint] = []
    measures: list[list[MeasureData]] = []
    seen: set[str] = set()
    directory = directory or Directory.of(unit)
    for code, raw, raw_measures in entries:
        data = normalised_point(raw)
        code = code.strip().upper() or next(generated)
        if not CODE_PATTERN.match(code):
            raise ValidationError({"code": _("A code uses capital letters, digits and hyphens.")})
        if code in seen or RiskPoint.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": _("Another risk point already has the code %(code)s.") % {"code": code}}
            )
        seen.add(code)
        power, post = check_point(data, unit, directory)
        fields = data.as_dict()
        fields.update(power=power, post=post, domains=list(data.domains))
        points.append(RiskPoint(code=code, unit=unit, **fields))
        measures.append([normalised_measure(m) for m in raw_measures])
    with transaction.atomic():
        points = RiskPoint.objects.bulk_create(points)
        rows = [
            _measure_row(point, n, m, unit, directory)
            for point, ms in zip(points, measures, strict=True)
            for n, m in enumerate(ms, start=1)
        ]
        rows = ControlMeasure.objects.bulk_create(rows)
        by_point: dict[int, list[ControlMeasure]] = {}
        for row in rows:
            by_point.setdefault(row.risk_point_id, []).append(row)
        for point in points:
            append(
                acting,
                "risks.create_point",
                point,
                changes={"code": (None, point.code), **diff(None, point_data(point).as_dict())},
            )
            for row in by_point.get(point.pk, []):
                append(
                    acting,
                    "risks.add_measure",
                    row,
                    changes={"ref": (None, row.ref), **diff(None, measure_data(row).as_dict())},
                )
    return points


def create_risk_point(
    actor: Actor,
    unit: Organisation,
    data: RiskPointData,
    *,
    code: str = "",
    measures: Sequence[MeasureData] = (),
) -> RiskPoint:
    return create_risk_points(actor, unit, [(code, data, measures)])[0]


@records_refusals
def update_risk_point(
    actor: Actor, point: RiskPoint, data: RiskPointData, *, prompt: Prompt | None = None
) -> RiskPoint:
    """Revise a risk point, recording what prompted the revision (S26)."""
    acting = rules.as_editor(actor, point.unit, action="risks.update_point", obj=point)
    if point.state != RiskState.ACTIVE:
        raise ValidationError(_("A retired risk point cannot be revised."))
    prompt = prompt or Prompt()
    check_prompt(prompt)
    data = normalised_point(data)
    power, post = check_point(data, point.unit)
    changes = diff(point_data(point).as_dict(), data.as_dict())
    if not changes:
        return point
    with transaction.atomic():
        fields = data.as_dict()
        fields.update(power=power, post=post, domains=list(data.domains))
        for name, value in fields.items():
            setattr(point, name, value)
        point.updated_at = timezone.now()
        point.save()
        revision = RiskRevision.objects.create(
            risk_point=point,
            prompt=prompt.kind,
            source=prompt.source,
            reference=prompt.reference.strip(),
            changed=sorted(changes),
            note=prompt.note.strip(),
            created_by=actor.user,
        )
        append(
            acting,
            "risks.update_point",
            point,
            changes=changes,
            reason=prompt.note,
            detail={
                "prompt": prompt.kind,
                "source": prompt.source,
                "reference": prompt.reference,
                "revision": revision.pk,
            },
        )
    return point


@records_refusals
def retire_risk_point(actor: Actor, point: RiskPoint, *, reason: str) -> RiskPoint:
    acting = rules.as_editor(actor, point.unit, action="risks.retire_point", obj=point)
    if point.state != RiskState.ACTIVE:
        raise ValidationError(_("This risk point is already retired."))
    if len(reason.strip()) < 4:
        raise ValidationError({"reason": _("Give the reason the risk point is retired.")})
    with transaction.atomic():
        point.state, point.updated_at = RiskState.RETIRED, timezone.now()
        point.save(update_fields=["state", "updated_at"])
        append(
            acting,
            "risks.retire_point",
            point,
            changes={"state": (RiskState.ACTIVE, RiskState.RETIRED)},
            reason=reason,
        )
    return point


@records_refusals
def add_measure(
    actor: Actor,
    point: RiskPoint,
    data: MeasureData,
    *,
    number: int | None = None,
    directory: Directory | None = None,
) -> ControlMeasure:
    acting = rules.as_editor(actor, point.unit, action="risks.add_measure", obj=point)
    if point.state != RiskState.ACTIVE:
        raise ValidationError(_("A retired risk point takes no new measures."))
    data = normalised_measure(data)
    with transaction.atomic():
        if number is None:
            number = (point.measures.aggregate(m=Max("number"))["m"] or 0) + 1
        elif number < 1 or point.measures.filter(number=number).exists():
            raise ValidationError(
                {"number": _("Measure %(n)d of this risk point exists already.") % {"n": number}}
            )
        measure = _measure_row(point, number, data, point.unit, directory)
        measure.save()
        append(
            acting,
            "risks.add_measure",
            measure,
            changes={"ref": (None, measure.ref), **diff(None, measure_data(measure).as_dict())},
        )
    return measure


@records_refusals
def update_measure(
    actor: Actor, measure: ControlMeasure, data: MeasureData, *, reason: str = ""
) -> ControlMeasure:
    unit = measure.risk_point.unit
    acting = rules.as_editor(actor, unit, action="risks.update_measure", obj=measure)
    data = normalised_measure(data)
    owner = check_measure(data, unit)
    if data.next_review is None:
        data = dataclasses.replace(data, next_review=measure.next_review)
    changes = diff(measure_data(measure).as_dict(), data.as_dict())
    if not changes:
        return measure
    with transaction.atomic():
        for name, value in data.as_dict().items():
            if name != "owner":
                setattr(measure, name, value)
        measure.owner = owner
        measure.save()
        append(acting, "risks.update_measure", measure, changes=changes, reason=reason)
    return measure


@records_refusals
def review_measure(
    actor: Actor, measure: ControlMeasure, *, note: str, effective: bool = True
) -> ControlMeasure:
    """The unit checks a measure on its cadence; the next review date moves on."""
    unit = measure.risk_point.unit
    acting = rules.as_editor(actor, unit, action="risks.review_measure", obj=measure)
    if measure.status == MeasureStatus.RETIRED:
        raise ValidationError(_("A retired measure is not reviewed."))
    if len(note.strip()) < 4:
        raise ValidationError({"note": _("Write what the review found.")})
    today = timezone.localdate()
    before = (measure.next_review, measure.last_reviewed_on)
    with transaction.atomic():
        measure.last_reviewed_on = today
        measure.next_review = add_months(today, CADENCE_MONTHS[measure.cadence])
        measure.save(update_fields=["last_reviewed_on", "next_review"])
        append(
            acting,
            "risks.review_measure",
            measure,
            changes={"next_review": (before[0], measure.next_review), "last_reviewed_on": (before[1], today)},
            reason=note.strip(),
            detail={"effective": effective},
        )
    return measure


def save_risk_point(
    actor: Actor,
    unit: Organisation,
    code: str,
    data: RiskPointData,
    measures: Sequence[tuple[int, MeasureData]],
    *,
    directory: Directory | None = None,
) -> str:
    """Make the register say this for `code` (from an import): "created", "changed" or "unchanged".

    A measure's errors come back keyed `measures.<number>.<field>`, so the import can name its row.
    """
    code = code.strip().upper()
    point = RiskPoint.objects.filter(code=code).select_related("unit", "power", "post").first()
    outcome = "unchanged"
    if point is None:
        point = create_risk_points(actor, unit, [(code, data, ())], directory=directory)[0]
        outcome = "created"
    elif point.unit_id != unit.pk:
        raise Refused(
            _("%(code)s belongs to %(unit)s.") % {"code": code, "unit": point.unit.name},
            action="risks.update_point",
            obj=point,
            unit_id=unit.pk,
        )
    elif point_data(point) != normalised_point(data):
        update_risk_point(actor, point, data, prompt=Prompt(note=_("Imported from a workbook.")))
        outcome = "changed"
    existing = {m.number: m for m in point.measures.select_related("owner")}
    for number, measure in sorted(measures, key=lambda pair: pair[0]):
        found = existing.get(number)
        try:
            if found is None:
                add_measure(actor, point, measure, number=number, directory=directory)
            elif measure_data(found) != normalised_measure(measure):
                update_measure(actor, found, measure, reason=_("Imported from a workbook."))
            else:
                continue
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("-", exc.messages)]
            raise ValidationError({f"measures.{number}.{key}": messages for key, messages in items}) from exc
        outcome = "created" if outcome == "created" else "changed"
    return outcome
