"""Excel import and export of the risk register (风险点 and 防控措施 sheets), all or nothing.

The same conventions as the power list's workbook (`powers.workbook`): every error with its
sheet, row and column; a savepoint per risk point inside one transaction rolled back if any
row is wrong; an export re-imports without change.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, record_refusal
from sunlight.orgs.models import Organisation
from sunlight.powers.workbook import (
    CellErrors,
    Column,
    ImportReport,
    Progress,
    Row,
    RowError,
    Sheet,
    errors_of,
    flag_text,
    read,
    required_missing,
    runs,
    write,
)
from sunlight.risks import actions
from sunlight.risks.content import (
    Directory,
    MeasureData,
    RiskPointData,
    check_measure,
    check_point,
    normalised_measure,
    normalised_point,
)
from sunlight.risks.models import (
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
    ReviewCadence,
    RiskDomain,
    RiskKind,
    RiskLevel,
    RiskPoint,
)

L = gettext_lazy
POINTS = Sheet(
    "risk_points",
    L("Risk points"),
    (
        Column("code", L("Risk point code"), required=True, width=14),
        Column("unit", L("Unit"), required=True),
        Column("power", L("Power code"), width=14),
        Column("step", L("Step"), width=10),
        Column("post", L("Post code"), width=12),
        Column("kind", L("Kind of risk"), required=True, width=10),
        Column("level", L("Risk level"), required=True, width=8),
        Column("domains", L("Power over"), width=14),
        Column("description", L("Risk description"), required=True, width=40),
        Column("red_line", L("Red line"), width=30),
        Column("consequence", L("Consequence of crossing it"), width=30),
        Column("is_public", L("Shown to the public"), width=8),
    ),
)
MEASURES = Sheet(
    "measures",
    L("Control measures"),
    (
        Column("code", L("Risk point code"), required=True, width=14),
        Column("number", L("Measure number"), required=True, width=8),
        Column("description", L("Measure"), required=True, width=40),
        Column("kind", L("Kind of measure"), width=12),
        Column("owner", L("Owner post"), required=True, width=12),
        Column("due_date", L("Due date"), width=12),
        Column("status", L("Status"), width=10),
        Column("evidence", L("Evidence"), width=24),
        Column("cadence", L("Review cadence"), width=10),
        Column("next_review", L("Next review"), width=12),
    ),
)
SHEETS = (POINTS, MEASURES)


def export_workbook(points: Iterable[RiskPoint]) -> bytes:
    points = list(points)
    measures = (
        ControlMeasure.objects.filter(risk_point__in=points)
        .select_related("risk_point", "owner")
        .order_by("risk_point__code", "number")
    )
    book = write(
        [
            (
                POINTS,
                (
                    [
                        p.code,
                        p.unit.name,
                        p.power.code if p.power else "",
                        p.step,
                        p.post.code if p.post else "",
                        p.get_kind_display(),
                        p.get_level_display(),
                        ",".join(p.domain_labels()),
                        p.description,
                        p.red_line,
                        p.consequence,
                        flag_text(p.is_public),
                    ]
                    for p in points
                ),
            ),
            (
                MEASURES,
                (
                    [
                        m.risk_point.code,
                        m.number,
                        m.description,
                        m.get_kind_display(),
                        m.owner.code if m.owner else "",
                        m.due_date,
                        m.get_status_display(),
                        m.evidence,
                        m.get_cadence_display(),
                        m.next_review,
                    ]
                    for m in measures
                ),
            ),
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_points(unit_ids: Iterable[int]) -> list[RiskPoint]:
    return list(
        RiskPoint.objects.active()
        .filter(unit_id__in=list(unit_ids))
        .select_related("unit", "power", "post")
        .order_by("unit__sort", "code")
    )


def _point(v: dict[str, str], cells: CellErrors) -> RiskPointData:
    domains = tuple(
        cells.choice(RiskDomain, d.strip(), "domains")
        for d in v.get("domains", "").replace("，", ",").split(",")
        if d.strip()
    )
    return RiskPointData(
        description=v.get("description", ""),
        kind=cells.choice(RiskKind, v.get("kind", ""), "kind"),
        level=cells.choice(RiskLevel, v.get("level", ""), "level"),
        power=v.get("power", ""),
        step=v.get("step", ""),
        post=v.get("post", ""),
        domains=domains,
        red_line=v.get("red_line", ""),
        consequence=v.get("consequence", ""),
        is_public=cells.flag(v.get("is_public", ""), "is_public", True),
    )


def _measure(v: dict[str, str], cells: CellErrors) -> MeasureData:
    return MeasureData(
        description=v.get("description", ""),
        kind=cells.choice(MeasureKind, v.get("kind", ""), "kind", MeasureKind.INSTITUTIONAL),
        owner=v.get("owner", ""),
        due_date=cells.date(v.get("due_date", ""), "due_date"),
        status=cells.choice(MeasureStatus, v.get("status", ""), "status", MeasureStatus.PLANNED),
        evidence=v.get("evidence", ""),
        cadence=cells.choice(ReviewCadence, v.get("cadence", ""), "cadence", ReviewCadence.QUARTERLY),
        next_review=cells.date(v.get("next_review", ""), "next_review"),
    )


def _report_cells(report: ImportReport, sheet: Sheet, row: Row, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        report.errors.append(RowError(str(sheet.label), row.number, sheet.column_label(key), message))


def import_workbook(
    actor: Actor, file: BinaryIO | IO[bytes], progress: Progress | None = None
) -> ImportReport:
    """Import the register through the actions; on any bad row, report them all and keep nothing."""
    report = ImportReport()
    sheets = read(file, SHEETS, report)
    if report.errors:
        return report
    point_rows = [r for r in sheets.get("risk_points", []) if not required_missing(POINTS, r, report)]
    codes = {r.values["code"].strip().upper() for r in point_rows}
    measures: dict[str, list[tuple[Row, int, MeasureData]]] = defaultdict(list)
    for row in sheets.get("measures", []):
        if required_missing(MEASURES, row, report):
            continue
        code = row.values["code"].strip().upper()
        cells = CellErrors()
        number = cells.number(row.values["number"], "number")
        measure = _measure(row.values, cells)
        if code not in codes:
            cells.errors["code"] = _("%(code)s is not on the risk points sheet.") % {"code": code}
        _report_cells(report, MEASURES, row, cells.errors)
        if number is not None and not cells.errors:
            measures[code].append((row, number, measure))
    refusals: list[Refused] = []
    units: dict[str, Organisation | None] = {}
    directories: dict[int, Directory] = {}
    with transaction.atomic():
        pending: list[_Pending] = []
        for row in point_rows:
            code = row.values["code"].strip().upper()
            cells = CellErrors()
            data = _point(row.values, cells)
            name = row.values["unit"]
            if name not in units:
                units[name] = (
                    Organisation.objects.units()
                    .filter(Q(name=name) | Q(code=name) | Q(abbr=name.upper()))
                    .first()
                )
            unit = units[name]
            if unit is None:
                cells.errors["unit"] = _("%(v)s is not a unit.") % {"v": name}
            _report_cells(report, POINTS, row, cells.errors)
            if cells.errors or unit is None:
                continue
            own = measures[code]
            # Check the measures on their own too, so that their rows are reported even when
            # the risk point itself is wrong.
            if unit.pk not in directories:
                directories[unit.pk] = Directory.of(unit)
            directory = directories[unit.pk]
            bad_measure = False
            for measure_row, _number, measure in own:
                try:
                    check_measure(normalised_measure(measure), unit, directory)
                except ValidationError as exc:
                    bad_measure = True
                    for key, message in errors_of(exc):
                        report.errors.append(
                            RowError(
                                str(MEASURES.label), measure_row.number, MEASURES.column_label(key), message
                            )
                        )
            if bad_measure:
                try:
                    check_point(normalised_point(data), unit, directory)
                except ValidationError as exc:
                    for key, message in errors_of(exc):
                        _locate(report, row, own, key, message)
                continue
            pending.append(_Pending(row, code, unit, data, own))
        existing = set(
            RiskPoint.objects.filter(code__in=[p.code for p in pending]).values_list("code", flat=True)
        )
        done = len(point_rows) - len(pending)
        for batch in runs(
            pending,
            alone=lambda e: e.code in existing or not e.numbered_in_order(),
            group=lambda e: e.unit.pk,
        ):
            if len(batch) > 1 and _create_batch(actor, batch, directories, report):
                done += len(batch)
            else:
                for entry in batch:
                    _save_row(actor, entry, directories[entry.unit.pk], report, refusals)
                    done += 1
            if progress is not None:
                progress(done, len(point_rows))
        if report.errors:
            transaction.set_rollback(True)
    for refusal in refusals:
        record_refusal(actor, refusal)
    return report


@dataclass
class _Pending:
    """A risk point row whose cells and measures are sound, waiting for the actions."""

    row: Row
    code: str
    unit: Organisation
    data: RiskPointData
    own: list[tuple[Row, int, MeasureData]]

    def numbered_in_order(self) -> bool:
        return sorted(n for _r, n, _m in self.own) == list(range(1, len(self.own) + 1))


def _create_batch(
    actor: Actor, batch: list[_Pending], directories: dict[int, Directory], report: ImportReport
) -> bool:
    """Create a run of new risk points with their measures in one action; False (nothing written)
    if any is refused, so that the rows are then saved one by one and each error found at its row."""
    unit = batch[0].unit
    entries = [(e.code, e.data, [m for _r, _n, m in sorted(e.own, key=lambda o: o[1])]) for e in batch]
    try:
        with transaction.atomic():
            actions.create_risk_points(actor, unit, entries, directory=directories[unit.pk])
    except (ValidationError, Refused):
        return False
    report.created += len(batch)
    return True


def _save_row(
    actor: Actor, entry: _Pending, directory: Directory, report: ImportReport, refusals: list[Refused]
) -> None:
    measures = [(n, m) for _r, n, m in entry.own]
    try:
        with transaction.atomic():
            report.count(
                actions.save_risk_point(
                    actor, entry.unit, entry.code, entry.data, measures, directory=directory
                )
            )
    except ValidationError as exc:
        for key, message in errors_of(exc):
            _locate(report, entry.row, entry.own, key, message)
    except Refused as exc:
        refusals.append(exc)
        report.errors.append(
            RowError(str(POINTS.label), entry.row.number, POINTS.column_label("unit"), str(exc.message))
        )


def _locate(
    report: ImportReport, row: Row, own: list[tuple[Row, int, MeasureData]], key: str, message: str
) -> None:
    pieces = key.split(".")
    if pieces[0] == "measures" and len(pieces) == 3:
        found = next((r for r, n, _m in own if str(n) == pieces[1]), None)
        if found is not None:
            report.errors.append(
                RowError(str(MEASURES.label), found.number, MEASURES.column_label(pieces[2]), message)
            )
            return
    report.errors.append(
        RowError(
            str(POINTS.label),
            row.number,
            POINTS.column_label(pieces[0]) if pieces[0] != "-" else "-",
            message,
        )
    )
