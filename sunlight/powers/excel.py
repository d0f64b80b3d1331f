"""Excel import and export of the power list, in the layout units keep (权力清单 + 附表).

One row per power on the main sheet; legal bases, special procedures, fees, materials and
accountability clauses on their own sheets, keyed by the power's code. An import is all or
nothing: every row goes through `actions.save_power` inside one transaction with a savepoint
per power; every error is reported (sheet, row, column, reason) and, if there is any, the
whole transaction is rolled back.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, record_refusal
from sunlight.orgs.models import Organisation
from sunlight.powers import actions
from sunlight.powers.content import (
    PARTS_PREFETCH,
    AccountabilityData,
    FeeData,
    LegalBasisData,
    MaterialData,
    PowerData,
    SpecialProcedureData,
    UnitDirectory,
)
from sunlight.powers.models import (
    BasisKind,
    BodyNature,
    ExerciseLevel,
    LimitUnit,
    MaterialForm,
    PowerCategory,
    PowerItem,
    PowerVersion,
    ResponsibilityStage,
)
from sunlight.powers.workbook import (
    CellErrors,
    Column,
    ImportReport,
    Progress,
    Row,
    RowError,
    Sheet,
    amount_text,
    errors_of,
    flag_text,
    read,
    required_missing,
    runs,
    write,
)

L = gettext_lazy
CODE = Column("code", L("Power code"), required=True, width=14)
POWERS = Sheet(
    "powers",
    L("Power list"),
    (
        CODE,
        Column("unit", L("Unit"), required=True),
        Column("name", L("Power name"), required=True, width=30),
        Column("category", L("Category"), required=True),
        Column("sub_items", L("Sub-items"), width=24),
        Column("implementing_body", L("Implementing body"), required=True),
        Column("body_nature", L("Nature of the implementing body")),
        Column("entrusting_body", L("Entrusting body")),
        Column("office", L("Responsible office")),
        Column("posts", L("Responsible posts (codes)")),
        Column("exercise_level", L("Level of exercise")),
        Column("statutory_limit", L("Statutory time limit"), width=10),
        Column("statutory_limit_unit", L("Unit of the statutory limit"), width=10),
        Column("committed_limit", L("Committed time limit"), width=10),
        Column("committed_limit_unit", L("Unit of the committed limit"), width=10),
        Column("extension_rule", L("Extension rule"), width=30),
        Column("conditions", L("Conditions"), width=30),
        Column("result_document", L("Result document")),
        Column("consultation_phone", L("Consultation phone")),
        Column("complaint_phone", L("Complaint phone")),
        Column("service_place", L("Place of service"), width=24),
        Column("service_hours", L("Service hours"), width=24),
        Column("visits_needed", L("Visits needed"), width=8),
        Column("valid_from", L("Valid from"), required=True, width=12),
        Column("valid_until", L("Valid until"), width=12),
        Column("version", L("Version"), width=8),
        Column("state", L("State"), width=10),
    ),
)
LEGAL_BASES = Sheet(
    "legal_bases",
    L("Legal bases"),
    (
        CODE,
        Column("kind", L("Kind of basis"), required=True),
        Column("law", L("Law or regulation"), required=True, width=30),
        Column("article", L("Article")),
        Column("text", L("Text of the article"), width=40),
        Column("effective_from", L("Effective from"), width=12),
        Column("effective_until", L("Effective until"), width=12),
    ),
)
PROCEDURES = Sheet(
    "special_procedures",
    L("Special procedures"),
    (
        CODE,
        Column("name", L("Procedure"), required=True),
        Column("max_days", L("Maximum days"), required=True, width=10),
        Column("basis", L("Basis"), width=30),
        Column("counted_in_limit", L("Counted in the time limit"), width=10),
    ),
)
FEES = Sheet(
    "fees",
    L("Fees"),
    (
        CODE,
        Column("name", L("Fee"), required=True),
        Column("amount", L("Amount (yuan)"), width=12),
        Column("standard", L("Standard"), width=24),
        Column("basis", L("Basis"), width=30),
    ),
)
MATERIALS = Sheet(
    "materials",
    L("Materials"),
    (
        CODE,
        Column("name", L("Material"), required=True, width=30),
        Column("form", L("Form")),
        Column("copies", L("Copies"), width=8),
        Column("required", L("Required"), width=8),
        Column("sample", L("Sample file"), width=24),
    ),
)
ACCOUNTABILITY = Sheet(
    "accountability",
    L("Accountability"),
    (
        CODE,
        Column("stage", L("Stage"), required=True),
        Column("situation", L("Situation"), required=True, width=50),
    ),
)
PART_SHEETS = {
    "legal_bases": LEGAL_BASES,
    "special_procedures": PROCEDURES,
    "fees": FEES,
    "materials": MATERIALS,
    "accountability": ACCOUNTABILITY,
}
SHEETS = (POWERS, *PART_SHEETS.values())
# Where each error key of PowerData lands on the main sheet.
_MAIN_COLUMN = {c.key: c.key for c in POWERS.columns}


# ----------------------------------------------------------------------------- export


def latest_versions(unit_ids: Iterable[int]) -> list[PowerVersion]:
    """Each item's latest version (any state): the list as the unit keeps it."""
    versions = (
        PowerVersion.objects.filter(item__unit_id__in=list(unit_ids))
        .select_related("item__unit", "office")
        .prefetch_related(*PARTS_PREFETCH)
        .order_by("item__unit__sort", "item__code", "-number")
    )
    seen: set[int] = set()
    latest = []
    for version in versions:
        if version.item_id not in seen:
            seen.add(version.item_id)
            latest.append(version)
    return latest


def export_workbook(versions: Iterable[PowerVersion]) -> bytes:
    versions = list(versions)
    main: list[list[Any]] = []
    parts: dict[str, list[list[Any]]] = defaultdict(list)
    for v in versions:
        code = v.item.code
        main.append(
            [
                code,
                v.item.unit.name,
                v.name,
                v.get_category_display(),
                "\n".join(s.name for s in v.sub_items.all()),
                v.implementing_body,
                v.get_body_nature_display(),
                v.entrusting_body,
                v.office.name if v.office else "",
                ",".join(sorted(p.code for p in v.posts.all())),
                v.get_exercise_level_display(),
                v.statutory_limit,
                v.get_statutory_limit_unit_display(),
                v.committed_limit,
                v.get_committed_limit_unit_display(),
                v.extension_rule,
                v.conditions,
                v.result_document,
                v.consultation_phone,
                v.complaint_phone,
                v.service_place,
                v.service_hours,
                v.visits_needed,
                v.valid_from,
                v.valid_until,
                v.number,
                v.get_state_display(),
            ]
        )
        for b in v.legal_bases.all():
            parts["legal_bases"].append(
                [code, b.get_kind_display(), b.law, b.article, b.text, b.effective_from, b.effective_until]
            )
        for p in v.special_procedures.all():
            parts["special_procedures"].append(
                [code, p.name, p.max_days, p.basis, flag_text(p.counted_in_limit)]
            )
        for f in v.fees.all():
            parts["fees"].append([code, f.name, amount_text(f.amount_fen), f.standard, f.basis])
        for m in v.materials.all():
            parts["materials"].append(
                [code, m.name, m.get_form_display(), m.copies, flag_text(m.required), m.sample.name or ""]
            )
        for a in v.accountability.all():
            parts["accountability"].append([code, a.get_stage_display(), a.situation])
    book = write([(POWERS, main), *((sheet, parts[key]) for key, sheet in PART_SHEETS.items())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- import


def _unit(value: str, cache: dict[str, Organisation | None]) -> Organisation | None:
    if value not in cache:
        cache[value] = (
            Organisation.objects.units().filter(Q(name=value) | Q(code=value) | Q(abbr=value.upper())).first()
        )
    return cache[value]


def _main_data(v: dict[str, str], cells: CellErrors) -> dict[str, Any]:
    return {
        "name": v.get("name", ""),
        "category": cells.choice(PowerCategory, v.get("category", ""), "category"),
        "implementing_body": v.get("implementing_body", ""),
        "body_nature": cells.choice(
            BodyNature, v.get("body_nature", ""), "body_nature", BodyNature.STATUTORY
        ),
        "entrusting_body": v.get("entrusting_body", ""),
        "office": v.get("office", ""),
        "posts": tuple(p.strip() for p in v.get("posts", "").replace("，", ",").split(",") if p.strip()),
        "exercise_level": cells.choice(
            ExerciseLevel, v.get("exercise_level", ""), "exercise_level", ExerciseLevel.DISTRICT
        ),
        "statutory_limit": cells.number(v.get("statutory_limit", ""), "statutory_limit"),
        "statutory_limit_unit": cells.choice(
            LimitUnit, v.get("statutory_limit_unit", ""), "statutory_limit_unit", LimitUnit.WORKING_DAYS
        ),
        "committed_limit": cells.number(v.get("committed_limit", ""), "committed_limit"),
        "committed_limit_unit": cells.choice(
            LimitUnit, v.get("committed_limit_unit", ""), "committed_limit_unit", LimitUnit.WORKING_DAYS
        ),
        "extension_rule": v.get("extension_rule", ""),
        "conditions": v.get("conditions", ""),
        "result_document": v.get("result_document", ""),
        "consultation_phone": v.get("consultation_phone", ""),
        "complaint_phone": v.get("complaint_phone", ""),
        "service_place": v.get("service_place", ""),
        "service_hours": v.get("service_hours", ""),
        "visits_needed": cells.number(v.get("visits_needed", ""), "visits_needed") or 0
        if v.get("visits_needed")
        else 1,
        "valid_from": cells.date(v.get("valid_from", ""), "valid_from"),
        "valid_until": cells.date(v.get("valid_until", ""), "valid_until"),
        "sub_items": tuple(
            s.strip() for s in v.get("sub_items", "").replace("；", "\n").splitlines() if s.strip()
        ),
    }


def _part(key: str, v: dict[str, str], cells: CellErrors) -> Any:
    if key == "legal_bases":
        kind = cells.choice(BasisKind, v.get("kind", ""), "kind")
        return LegalBasisData(
            kind,
            v.get("law", ""),
            v.get("article", ""),
            v.get("text", ""),
            cells.date(v.get("effective_from", ""), "effective_from"),
            cells.date(v.get("effective_until", ""), "effective_until"),
        )
    if key == "special_procedures":
        return SpecialProcedureData(
            v.get("name", ""),
            cells.number(v.get("max_days", ""), "max_days") or 0,
            v.get("basis", ""),
            cells.flag(v.get("counted_in_limit", ""), "counted_in_limit", False),
        )
    if key == "fees":
        return FeeData(
            v.get("name", ""),
            cells.amount(v.get("amount", ""), "amount"),
            v.get("standard", ""),
            v.get("basis", ""),
        )
    if key == "materials":
        return MaterialData(
            v.get("name", ""),
            cells.choice(MaterialForm, v.get("form", ""), "form", MaterialForm.ORIGINAL),
            cells.number(v.get("copies", ""), "copies") or 1,
            cells.flag(v.get("required", ""), "required", True),
            v.get("sample", ""),
        )
    return AccountabilityData(
        cells.choice(ResponsibilityStage, v.get("stage", ""), "stage"), v.get("situation", "")
    )


def _cell_errors(report: ImportReport, sheet: Sheet, row: Row, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        column = "amount" if key == "amount_fen" else key
        report.errors.append(RowError(str(sheet.label), row.number, sheet.column_label(column), message))


def import_workbook(
    actor: Actor, file: BinaryIO | IO[bytes], progress: Progress | None = None
) -> ImportReport:
    """Import the power list through the actions; on any bad row, report them all and keep nothing."""
    report = ImportReport()
    sheets = read(file, SHEETS, report)
    if report.errors:
        return report
    main_rows = [r for r in sheets.get("powers", []) if not required_missing(POWERS, r, report)]
    codes = {r.values["code"].strip().upper() for r in main_rows}
    parts: dict[str, dict[str, list[tuple[Row, Any]]]] = defaultdict(lambda: defaultdict(list))
    for key, sheet in PART_SHEETS.items():
        for row in sheets.get(key, []):
            if required_missing(sheet, row, report):
                continue
            code = row.values["code"].strip().upper()
            if code not in codes:
                report.errors.append(
                    RowError(
                        str(sheet.label),
                        row.number,
                        str(CODE.label),
                        _("%(code)s is not on the power list sheet.") % {"code": code},
                    )
                )
                continue
            cells = CellErrors()
            part = _part(key, row.values, cells)
            _cell_errors(report, sheet, row, cells.errors)
            parts[code][key].append((row, part))
    refusals: list[Refused] = []
    units: dict[str, Organisation | None] = {}
    directories: dict[int, UnitDirectory] = {}
    total = len(main_rows)
    with transaction.atomic():
        pending: list[_Pending] = []
        for row in main_rows:
            code = row.values["code"].strip().upper()
            cells = CellErrors()
            fields = _main_data(row.values, cells)
            unit = _unit(row.values["unit"], units)
            if unit is None:
                cells.errors["unit"] = _("%(v)s is not a unit.") % {"v": row.values["unit"]}
            _cell_errors(report, POWERS, row, cells.errors)
            if unit is not None and unit.pk not in directories:
                directories[unit.pk] = UnitDirectory.of(unit)
            if unit is not None and fields["office"]:
                # Units write the office's name; the list keeps its code.
                office = directories[unit.pk].offices.get(fields["office"])
                fields["office"] = office.code if office else fields["office"]
            own = parts[code]
            own_parts: dict[str, Any] = {key: tuple(p for _row, p in own[key]) for key in PART_SHEETS}
            if not cells.errors and unit is not None:
                pending.append(_Pending(row, code, unit, PowerData(**fields, **own_parts), own))
        existing = set(
            PowerItem.objects.filter(code__in=[p.code for p in pending]).values_list("code", flat=True)
        )
        done = total - len(pending)
        for batch in runs(pending, alone=lambda e: e.code in existing, group=lambda e: e.unit.pk):
            if len(batch) > 1 and _create_batch(actor, batch, directories, report):
                done += len(batch)
            else:
                for entry in batch:
                    _save_row(actor, entry, directories[entry.unit.pk], report, refusals)
                    done += 1
            if progress is not None:
                progress(done, total)
        if report.errors:
            transaction.set_rollback(True)
    # The import's transaction took the refusals' leaves with it: record the attempts again.
    for refusal in refusals:
        record_refusal(actor, refusal)
    return report


@dataclass
class _Pending:
    """A row whose cells are sound, waiting for the actions."""

    row: Row
    code: str
    unit: Organisation
    data: PowerData
    own: dict[str, list[tuple[Row, Any]]]


def _create_batch(
    actor: Actor, batch: list[_Pending], directories: dict[int, UnitDirectory], report: ImportReport
) -> bool:
    """Create a run of new powers in one action; False (nothing written) if any of them is refused,
    so that the rows are then saved one by one and each error is reported at its row."""
    unit = batch[0].unit
    try:
        with transaction.atomic():
            actions.create_powers(
                actor, unit, [(e.code, e.data) for e in batch], directory=directories[unit.pk]
            )
    except (ValidationError, Refused):
        return False
    report.created += len(batch)
    return True


def _save_row(
    actor: Actor, entry: _Pending, directory: UnitDirectory, report: ImportReport, refusals: list[Refused]
) -> None:
    try:
        with transaction.atomic():
            report.count(actions.save_power(actor, entry.unit, entry.code, entry.data, directory=directory))
    except ValidationError as exc:
        for key, message in errors_of(exc):
            _locate(report, entry.row, entry.own, key, message)
    except Refused as exc:
        refusals.append(exc)
        report.errors.append(
            RowError(str(POWERS.label), entry.row.number, str(POWERS.columns[1].label), str(exc.message))
        )


def _locate(
    report: ImportReport, row: Row, own: dict[str, list[tuple[Row, Any]]], key: str, message: str
) -> None:
    """Turn an action's error key (`fees.1.basis`, `committed_limit`) into sheet, row, column."""
    pieces = key.split(".")
    if pieces[0] in PART_SHEETS and len(pieces) == 3 and pieces[1].isdigit():
        sheet = PART_SHEETS[pieces[0]]
        rows = own[pieces[0]]
        index = int(pieces[1])
        if index < len(rows):
            column = "amount" if pieces[2] == "amount_fen" else pieces[2]
            report.errors.append(
                RowError(str(sheet.label), rows[index][0].number, sheet.column_label(column), message)
            )
            return
    if pieces[0] in PART_SHEETS:
        report.errors.append(
            RowError(str(POWERS.label), row.number, str(PART_SHEETS[pieces[0]].label), message)
        )
        return
    column = POWERS.column_label(_MAIN_COLUMN.get(pieces[0], "code")) if pieces[0] != "-" else "-"
    report.errors.append(RowError(str(POWERS.label), row.number, column, message))
