"""What a risk point and a control measure say, as plain data, and the rules they follow.

Forms, workbooks and the API all build these before calling the actions; `point_data()` and
`measure_data()` read stored rows back into the same shape, so "unchanged" is a comparison.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunlight.orgs.models import Organisation, Post
from sunlight.powers.models import PowerItem
from sunlight.risks.models import (
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
    PromptKind,
    ReviewCadence,
    RiskDomain,
    RiskKind,
    RiskLevel,
    RiskPoint,
)

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")
SOURCE_PATTERN = re.compile(r"^[a-z_]+\.[a-z_]+:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class RiskPointData:
    description: str
    kind: str = RiskKind.RISK_POINT
    level: str = RiskLevel.MEDIUM
    power: str = ""  # power item code
    step: str = ""
    post: str = ""  # post code
    domains: tuple[str, ...] = ()
    red_line: str = ""
    consequence: str = ""
    is_public: bool = True

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"domains": sorted(self.domains)}


@dataclass(frozen=True)
class MeasureData:
    description: str
    kind: str = MeasureKind.INSTITUTIONAL
    owner: str = ""  # post code
    due_date: dt.date | None = None
    status: str = MeasureStatus.PLANNED
    evidence: str = ""
    cadence: str = ReviewCadence.QUARTERLY
    next_review: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Prompt:
    """What prompted a revision: its kind, the row it came from ("alarms.alarm:42"), a reference."""

    kind: str = PromptKind.SELF_CHECK
    source: str = ""
    reference: str = ""
    note: str = ""


def normalised_point(data: RiskPointData) -> RiskPointData:
    return dataclasses.replace(
        data,
        description=data.description.strip(),
        power=data.power.strip().upper(),
        step=data.step.strip(),
        post=data.post.strip(),
        domains=tuple(sorted(set(data.domains))),
        red_line=data.red_line.strip(),
        consequence=data.consequence.strip(),
    )


def normalised_measure(data: MeasureData) -> MeasureData:
    return dataclasses.replace(
        data, description=data.description.strip(), owner=data.owner.strip(), evidence=data.evidence.strip()
    )


def _choice(errors: dict[str, str], key: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        errors[key] = _("%(v)s is not one of the allowed values.") % {"v": value}


@dataclass
class Directory:
    """A unit's power items and posts by code, read once for many checks."""

    powers: dict[str, PowerItem]
    posts: dict[str, Post]

    @classmethod
    def of(cls, unit: Organisation) -> Directory:
        return cls(
            powers={p.code: p for p in PowerItem.objects.filter(unit_id=unit.pk)},
            posts={p.code: p for p in Post.objects.filter(organisation__unit_id=unit.pk)},
        )


def check_point(
    data: RiskPointData, unit: Organisation, directory: Directory | None = None
) -> tuple[PowerItem | None, Post | None]:
    """Refuse a risk point that breaks the rules; return the power and post it names."""
    directory = directory or Directory.of(unit)
    errors: dict[str, str] = {}
    if len(data.description) < 4:
        errors["description"] = _("Describe the risk.")
    _choice(errors, "kind", data.kind, RiskKind)
    _choice(errors, "level", data.level, RiskLevel)
    for domain in data.domains:
        _choice(errors, "domains", domain, RiskDomain)
    # The usual grading: power over funds, procurement, projects or "三重一大" matters is high risk.
    if data.domains and data.level in RiskLevel.values and data.level != RiskLevel.HIGH:
        errors["level"] = _(
            "A risk over funds, procurement, construction projects or major matters (三重一大) is graded high."
        )
    if data.level == RiskLevel.HIGH and not data.red_line:
        errors["red_line"] = _("A high risk needs its red line and what happens when it is crossed.")
    if data.red_line and not data.consequence:
        errors["consequence"] = _("Say what happens when the red line is crossed.")
    power = None
    if data.power:
        power = directory.powers.get(data.power)
        if power is None:
            errors["power"] = _("%(code)s is not a power of %(unit)s.") % {
                "code": data.power,
                "unit": unit.name,
            }
    post = None
    if data.post:
        post = directory.posts.get(data.post)
        if post is None:
            errors["post"] = _("%(code)s is not a post of %(unit)s.") % {"code": data.post, "unit": unit.name}
    if not data.power and not data.post:
        errors["post"] = _("A risk point sits at a power or at a post: name at least one.")
    if errors:
        raise ValidationError(errors)
    return power, post


def check_measure(data: MeasureData, unit: Organisation, directory: Directory | None = None) -> Post | None:
    errors: dict[str, str] = {}
    if len(data.description) < 4:
        errors["description"] = _("Describe the measure.")
    _choice(errors, "kind", data.kind, MeasureKind)
    _choice(errors, "status", data.status, MeasureStatus)
    _choice(errors, "cadence", data.cadence, ReviewCadence)
    if data.status == MeasureStatus.IN_PLACE and not data.evidence:
        errors["evidence"] = _("A measure in place needs its evidence (a rule's number, a system control…).")
    owner = None
    if data.owner:
        owner = (
            directory.posts.get(data.owner)
            if directory
            else Post.objects.filter(code=data.owner, organisation__unit_id=unit.pk).first()
        )
        if owner is None:
            errors["owner"] = _("%(code)s is not a post of %(unit)s.") % {
                "code": data.owner,
                "unit": unit.name,
            }
    else:
        errors["owner"] = _("Every measure has an owner post.")
    if errors:
        raise ValidationError(errors)
    return owner


def check_prompt(prompt: Prompt) -> None:
    errors: dict[str, str] = {}
    _choice(errors, "prompt", prompt.kind, PromptKind)
    if prompt.source and not SOURCE_PATTERN.match(prompt.source):
        errors["source"] = _("A source reads app.model:id, e.g. alarms.alarm:42.")
    needs_reference = prompt.kind not in (PromptKind.SELF_CHECK, PromptKind.REVIEW_FINDING)
    if needs_reference and not (prompt.source or prompt.reference.strip()):
        errors["reference"] = _("Say which complaint, alarm, case or rating prompted the revision.")
    if errors:
        raise ValidationError(errors)


def point_data(point: RiskPoint) -> RiskPointData:
    return RiskPointData(
        description=point.description,
        kind=point.kind,
        level=point.level,
        power=point.power.code if point.power_id else "",  # type: ignore[union-attr]
        step=point.step,
        post=point.post.code if point.post_id else "",  # type: ignore[union-attr]
        domains=tuple(sorted(point.domains)),
        red_line=point.red_line,
        consequence=point.consequence,
        is_public=point.is_public,
    )


def measure_data(measure: ControlMeasure) -> MeasureData:
    return MeasureData(
        description=measure.description,
        kind=measure.kind,
        owner=measure.owner.code if measure.owner_id else "",  # type: ignore[union-attr]
        due_date=measure.due_date,
        status=measure.status,
        evidence=measure.evidence,
        cadence=measure.cadence,
        next_review=measure.next_review,
    )


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    if before is None:
        return {k: (None, v) for k, v in after.items() if v not in ("", (), [], None)}
    return {k: (before[k], after[k]) for k in after if before[k] != after[k]}
