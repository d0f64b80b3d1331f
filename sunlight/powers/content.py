"""What a power version says, as plain data: built by forms, workbooks and the API alike.

`PowerData` is the one shape every input takes before it reaches the actions, `check()` holds
the rules a version's content must follow, and `content_of()` reads a stored version back into
the same shape (so an export re-imports to equal data and "unchanged" is a comparison).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunlight.orgs.models import Organisation, OrgKind, Post
from sunlight.powers.models import (
    CATEGORY_CODES,
    BasisKind,
    BodyNature,
    ExerciseLevel,
    LimitUnit,
    MaterialForm,
    PowerCategory,
    PowerVersion,
    ResponsibilityStage,
)

# 主体-类型-序号: the body's letters (the district's, or the district's and the unit's, e.g.
# WC-SWJ), the category's two letters, four digits: WC-XK-0001, WC-SWJ-XK-0001, CZJ-XK-0001.
CODE_PATTERN = re.compile(r"^([A-Z]{2,8}(?:-[A-Z]{2,8})?)-([A-Z]{2})-(\d{4})$")


@dataclass(frozen=True)
class LegalBasisData:
    kind: str
    law: str
    article: str = ""
    text: str = ""
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None


@dataclass(frozen=True)
class SpecialProcedureData:
    name: str
    max_days: int
    basis: str = ""
    counted_in_limit: bool = False


@dataclass(frozen=True)
class FeeData:
    name: str
    amount_fen: int | None = None
    standard: str = ""
    basis: str = ""


@dataclass(frozen=True)
class MaterialData:
    name: str
    form: str = MaterialForm.ORIGINAL
    copies: int = 1
    required: bool = True
    sample: str = ""  # the stored file's name, "" for none


@dataclass(frozen=True)
class AccountabilityData:
    stage: str
    situation: str


@dataclass(frozen=True)
class PowerData:
    """Everything a power version says. Offices and posts are given by their codes."""

    name: str
    category: str
    implementing_body: str
    body_nature: str = BodyNature.STATUTORY
    entrusting_body: str = ""
    office: str = ""
    posts: tuple[str, ...] = ()
    exercise_level: str = ExerciseLevel.DISTRICT
    statutory_limit: int | None = None
    statutory_limit_unit: str = LimitUnit.WORKING_DAYS
    committed_limit: int | None = None
    committed_limit_unit: str = LimitUnit.WORKING_DAYS
    extension_rule: str = ""
    conditions: str = ""
    result_document: str = ""
    consultation_phone: str = ""
    complaint_phone: str = ""
    service_place: str = ""
    service_hours: str = ""
    visits_needed: int = 1
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    sub_items: tuple[str, ...] = ()
    legal_bases: tuple[LegalBasisData, ...] = ()
    special_procedures: tuple[SpecialProcedureData, ...] = ()
    fees: tuple[FeeData, ...] = ()
    materials: tuple[MaterialData, ...] = ()
    accountability: tuple[AccountabilityData, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["posts"] = sorted(self.posts)
        return data

    def replace(self, **changes: Any) -> PowerData:
        return dataclasses.replace(self, **changes)


SCALAR_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(PowerData)
    if f.name
    not in (
        "office",
        "posts",
        "sub_items",
        "legal_bases",
        "special_procedures",
        "fees",
        "materials",
        "accountability",
    )
)
PART_FIELDS = ("sub_items", "legal_bases", "special_procedures", "fees", "materials", "accountability")


def _strip(value: str) -> str:
    return value.strip()


def normalised(data: PowerData) -> PowerData:
    """Strip text and drop empty rows, so that equal content compares equal."""
    return data.replace(
        name=_strip(data.name),
        implementing_body=_strip(data.implementing_body),
        entrusting_body=_strip(data.entrusting_body),
        office=_strip(data.office),
        posts=tuple(sorted({p.strip() for p in data.posts if p.strip()})),
        extension_rule=_strip(data.extension_rule),
        conditions=_strip(data.conditions),
        result_document=_strip(data.result_document),
        consultation_phone=_strip(data.consultation_phone),
        complaint_phone=_strip(data.complaint_phone),
        service_place=_strip(data.service_place),
        service_hours=_strip(data.service_hours),
        sub_items=tuple(s.strip() for s in data.sub_items if s.strip()),
        legal_bases=tuple(
            dataclasses.replace(b, law=b.law.strip(), article=b.article.strip(), text=b.text.strip())
            for b in data.legal_bases
        ),
        special_procedures=tuple(
            dataclasses.replace(p, name=p.name.strip(), basis=p.basis.strip())
            for p in data.special_procedures
        ),
        fees=tuple(
            dataclasses.replace(f, name=f.name.strip(), standard=f.standard.strip(), basis=f.basis.strip())
            for f in data.fees
        ),
        materials=tuple(dataclasses.replace(m, name=m.name.strip()) for m in data.materials),
        accountability=tuple(
            dataclasses.replace(a, situation=a.situation.strip()) for a in data.accountability
        ),
    )


def _choice(errors: dict[str, str], key: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        errors[key] = _("%(v)s is not one of the allowed values.") % {"v": value}


def check_code(code: str, category: str) -> None:
    match = CODE_PATTERN.match(code)
    if match is None:
        raise ValidationError(
            {
                "code": _(
                    "A power code reads body-type-number, e.g. WC-CZJ-XK-0001 (capital letters and 4 digits)."
                )
            }
        )
    expected = CATEGORY_CODES.get(category)
    if expected is not None and match.group(2) != expected:
        raise ValidationError(
            {
                "code": _("The type letters of the code must be %(type)s for %(category)s.")
                % {"type": expected, "category": PowerCategory(category).label}
            }
        )


@dataclass
class UnitDirectory:
    """A unit's offices (by code and by name) and posts (by code), read once for many checks."""

    offices: dict[str, Organisation] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)

    @classmethod
    def of(cls, unit: Organisation) -> UnitDirectory:
        directory = cls()
        for office in Organisation.objects.filter(kind=OrgKind.OFFICE, unit_id=unit.pk):
            directory.offices[office.code] = directory.offices[office.name] = office
        directory.posts = {p.code: p for p in Post.objects.filter(organisation__unit_id=unit.pk)}
        return directory


def check(
    data: PowerData, unit: Organisation, directory: UnitDirectory | None = None
) -> tuple[Organisation | None, list[Post]]:
    """Refuse content that breaks the rules; return the office and posts it names."""
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _("Give the name of the power.")
    _choice(errors, "category", data.category, PowerCategory)
    if not data.implementing_body:
        errors["implementing_body"] = _("Name the implementing body.")
    _choice(errors, "body_nature", data.body_nature, BodyNature)
    if data.body_nature == BodyNature.ENTRUSTED and not data.entrusting_body:
        errors["entrusting_body"] = _("An entrusted organisation acts for an entrusting body: name it.")
    if data.body_nature != BodyNature.ENTRUSTED and data.entrusting_body:
        errors["entrusting_body"] = _("Only an entrusted organisation has an entrusting body.")
    _choice(errors, "exercise_level", data.exercise_level, ExerciseLevel)
    _choice(errors, "statutory_limit_unit", data.statutory_limit_unit, LimitUnit)
    _choice(errors, "committed_limit_unit", data.committed_limit_unit, LimitUnit)
    if data.committed_limit is not None and data.statutory_limit is not None:
        if data.committed_limit_unit != data.statutory_limit_unit:
            errors["committed_limit_unit"] = _(
                "State the committed limit in the same unit as the statutory limit (%(unit)s)."
            ) % {"unit": LimitUnit(data.statutory_limit_unit).label}
        elif data.committed_limit > data.statutory_limit:
            errors["committed_limit"] = _(
                "The committed time limit (%(committed)d %(unit)s) is longer than the statutory "
                "limit (%(statutory)d %(unit)s); a unit may promise less time than the law allows, never more."
            ) % {
                "committed": data.committed_limit,
                "statutory": data.statutory_limit,
                "unit": LimitUnit(data.statutory_limit_unit).label,
            }
    if data.visits_needed > 10:
        errors["visits_needed"] = _("More than 10 visits is not a service guide, it is an obstacle course.")
    if data.valid_from is None:
        errors["valid_from"] = _("Give the date from which this version is valid.")
    elif data.valid_until is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = _("The end date is before the start date.")
    _check_parts(data, errors)
    directory = directory or UnitDirectory.of(unit)
    office = None
    if data.office:
        office = directory.offices.get(data.office)
        if office is None:
            errors["office"] = _("%(office)s is not an office of %(unit)s.") % {
                "office": data.office,
                "unit": unit.name,
            }
    posts = [directory.posts[code] for code in data.posts if code in directory.posts]
    unknown = sorted(set(data.posts) - set(directory.posts))
    if unknown:
        errors["posts"] = _("Not posts of %(unit)s: %(codes)s.") % {
            "unit": unit.name,
            "codes": ", ".join(unknown),
        }
    if errors:
        raise ValidationError(errors)
    return office, posts


def _check_parts(data: PowerData, errors: dict[str, str]) -> None:
    for i, basis in enumerate(data.legal_bases):
        _choice(errors, f"legal_bases.{i}.kind", basis.kind, BasisKind)
        if not basis.law:
            errors[f"legal_bases.{i}.law"] = _("Name the law or regulation.")
        if basis.effective_from and basis.effective_until and basis.effective_until < basis.effective_from:
            errors[f"legal_bases.{i}.effective_until"] = _("The end date is before the start date.")
    if data.category != PowerCategory.PUBLIC_SERVICE and not any(
        b.kind == BasisKind.ESTABLISHING for b in data.legal_bases
    ):
        errors["legal_bases"] = _("An administrative power needs at least one establishing basis (设定依据).")
    for i, procedure in enumerate(data.special_procedures):
        if not procedure.name:
            errors[f"special_procedures.{i}.name"] = _("Name the special procedure.")
        if procedure.max_days < 1:
            errors[f"special_procedures.{i}.max_days"] = _("Give the maximum days (at least 1).")
    for i, fee in enumerate(data.fees):
        if not fee.name:
            errors[f"fees.{i}.name"] = _("Name the fee.")
        if fee.amount_fen is not None and fee.amount_fen < 0:
            errors[f"fees.{i}.amount_fen"] = _("A fee cannot be negative.")
        if fee.amount_fen is None and not fee.standard:
            errors[f"fees.{i}.standard"] = _("Give the amount or the standard it is computed by.")
        if not fee.basis:
            errors[f"fees.{i}.basis"] = _("Every fee needs its legal basis.")
    for i, material in enumerate(data.materials):
        if not material.name:
            errors[f"materials.{i}.name"] = _("Name the material.")
        _choice(errors, f"materials.{i}.form", material.form, MaterialForm)
        if not 1 <= material.copies <= 99:
            errors[f"materials.{i}.copies"] = _("Copies are between 1 and 99.")
    for i, clause in enumerate(data.accountability):
        _choice(errors, f"accountability.{i}.stage", clause.stage, ResponsibilityStage)
        if not clause.situation:
            errors[f"accountability.{i}.situation"] = _("Describe the situation.")


def content_of(version: PowerVersion) -> PowerData:
    """The stored version as PowerData (prefetch its parts when reading many)."""
    return PowerData(
        **{name: getattr(version, name) for name in SCALAR_FIELDS},
        office=version.office.code if version.office_id else "",  # type: ignore[union-attr]
        posts=tuple(sorted(p.code for p in version.posts.all())),
        sub_items=tuple(s.name for s in version.sub_items.all()),
        legal_bases=tuple(
            LegalBasisData(b.kind, b.law, b.article, b.text, b.effective_from, b.effective_until)
            for b in version.legal_bases.all()
        ),
        special_procedures=tuple(
            SpecialProcedureData(p.name, p.max_days, p.basis, p.counted_in_limit)
            for p in version.special_procedures.all()
        ),
        fees=tuple(FeeData(f.name, f.amount_fen, f.standard, f.basis) for f in version.fees.all()),
        materials=tuple(
            MaterialData(m.name, m.form, m.copies, m.required, m.sample.name or "")
            for m in version.materials.all()
        ),
        accountability=tuple(AccountabilityData(a.stage, a.situation) for a in version.accountability.all()),
    )


PARTS_PREFETCH = (
    "posts",
    "sub_items",
    "legal_bases",
    "special_procedures",
    "fees",
    "materials",
    "accountability",
)


def changes_between(before: PowerData | None, after: PowerData) -> dict[str, tuple[Any, Any]]:
    """Field → (before, after) for a ledger leaf; parts are compared as whole lists."""
    new = after.as_dict()
    if before is None:
        return {key: (None, value) for key, value in new.items() if value not in ("", (), [], None)}
    old = before.as_dict()
    return {key: (old[key], new[key]) for key in new if old[key] != new[key]}
