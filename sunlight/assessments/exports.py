"""Excel (openpyxl) and PDF (ReportLab, embedded CJK font) exports of the dashboards and the
assessments: a sheet, or a table, per section, labelled in the viewer's language."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sunlight.assessments import charts, scoring
from sunlight.assessments.dashboards import Dashboard
from sunlight.assessments.models import Assessment, ManualItem, Score
from sunlight.lib.money import format_yuan
from sunlight.lib.pdf import cjk_font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Section:
    title: str
    head: Sequence[str]
    rows: Sequence[Sequence[Any]]


def dashboard_sections(d: Dashboard, scope: str) -> list[Section]:
    f = d.filters
    figures: list[list[Any]] = [
        [_("Scope"), scope],
        [_("Period"), f"{f.start.isoformat()} – {f.end.isoformat()}"],
        [_("Unit"), d.names.get(f.unit_id, "") if f.unit_id else _("All")],
        [_("Category"), f.category or _("All")],
        [_("Cases accepted"), d.cases["started"]],
        [_("Cases concluded"), d.cases["concluded"]],
        [_("On-time rate"), "—" if d.on_time_bp is None else f"{scoring.format_centi(d.on_time_bp)}%"],
        [_("Open now"), d.open_now["open"]],
        [_("Overdue now"), d.open_now["overdue"]],
        [_("Funds under supervision"), format_yuan(d.funds_total["supervised_fen"])],
        [_("Change orders blocked"), d.funds_total["blocked"]],
        [_("Money saved"), format_yuan(d.funds_total["saved_fen"])],
        [
            _("Satisfaction"),
            "—" if d.satisfaction_bp is None else f"{scoring.format_centi(d.satisfaction_bp)}%",
        ],
    ]
    sections = [Section(_("Summary"), [_("Figure"), _("Value")], figures)]
    sections += [Section(c.title, c.head, c.rows) for c in charts.all_charts(d)]
    return sections


def assessment_sections(
    assessments: Sequence[Assessment], scores: dict[int, list[Score]], items: dict[int, list[ManualItem]]
) -> list[Section]:
    ranking = Section(
        _("Ranking"),
        [_("Rank"), _("Unit"), _("Total"), _("Grade"), _("State"), _("Data through")],
        [
            [
                a.rank,
                a.unit.name,
                scoring.format_centi(a.total_centi),
                a.get_grade_display(),
                a.get_state_display(),
                a.as_of.isoformat(),
            ]
            for a in assessments
        ],
    )
    detail = Section(
        _("Indicators"),
        [_("Unit"), _("Indicator"), _("Value"), _("Counted"), _("Of"), _("Weight"), _("Points")],
        [
            [
                a.unit.name,
                s.get_indicator_display(),
                scoring.format_value(s.value, s.measure),
                s.numerator,
                s.denominator,
                s.weight,
                scoring.format_centi(s.points_centi),
            ]
            for a in assessments
            for s in scores.get(a.pk, [])
        ],
    )
    manual = Section(
        _("Manual items"),
        [_("Unit"), _("Points"), _("Reason"), _("Entered at")],
        [
            [
                a.unit.name,
                scoring.format_centi(i.points_centi, sign=True),
                i.reason,
                timezone.localtime(i.entered_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for a in assessments
            for i in items.get(a.pk, [])
        ],
    )
    return [ranking, detail, manual]


def to_xlsx(sections: Sequence[Section]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, section in enumerate(sections, start=1):
        name = _SHEET_NAME.sub(" ", section.title)[:28] or str(index)
        if name in used:
            name = f"{name[:25]} {index}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([str(h) for h in section.head])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([c if isinstance(c, int) else str(c) for c in row])
        for column, head in enumerate(section.head, start=1):
            width = max([len(str(head)), *(len(str(r[column - 1])) for r in section.rows)], default=8)
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(
                60, width * 1.6 + 2
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(title: str, subtitle: str, sections: Sequence[Section]) -> bytes:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    big = ParagraphStyle("title", parent=body, fontSize=16, leading=22)
    out = io.BytesIO()
    page = landscape(A4)
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )

    def p(value: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)

    story: list[Any] = [p(title, big), p(subtitle), Spacer(1, 4 * mm)]
    width = page[0] - 24 * mm
    for section in sections:
        story.append(p(section.title, heading))
        if not section.rows:
            story.append(p(_("None.")))
            continue
        columns = max(len(section.head), 1)
        table = Table(
            [[p(h) for h in section.head], *[[p(c) for c in row] for row in section.rows]],
            colWidths=[width / columns] * columns,
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    document.build(story)
    return out.getvalue()
