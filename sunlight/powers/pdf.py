"""The printable service guide (办事指南) of a power version, as a PDF.

ReportLab with the embedded CJK font (`lib.pdf.cjk_font`), so that the guide displays on any
machine; a QR code leads back to the guide's public page, where the current version is.
Labels follow the active language; the content is the unit's own (Chinese).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sunlight.lib.money import format_yuan
from sunlight.lib.pdf import cjk_font
from sunlight.powers.flows import Flow
from sunlight.powers.models import PowerVersion
from sunlight.risks.models import RiskPoint


def guide_url(version: PowerVersion) -> str:
    return settings.SITE_ROOT + reverse("powers:guide", args=[version.item.code])


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def limit_text(value: int | None, unit_label: str) -> str:
    return f"{value} {unit_label}" if value is not None else _("none")


def guide_pdf(version: PowerVersion, risks: Sequence[RiskPoint], flows: Sequence[Flow] = ()) -> bytes:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=3)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22)

    def p(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(rows: Sequence[Sequence[object]], widths: list[float]) -> Table:
        t = Table([[c if isinstance(c, Flowable) else p(c) for c in row] for row in rows], colWidths=widths)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        return t

    item = version.item
    url = guide_url(version)
    header = Table(
        [
            [
                [
                    p(_("Service guide"), small),
                    p(version.name, title),
                    p(f"{item.code} · {item.unit.name}", small),
                ],
                _qr(url),
            ]
        ],
        colWidths=[140 * mm, 32 * mm],
    )
    story: list[Flowable] = [header, Spacer(1, 4 * mm)]
    facts = [
        [_("Category"), version.get_category_display()],
        [_("Implementing body"), f"{version.implementing_body}（{version.get_body_nature_display()}）"],
        [_("Responsible office"), version.office.name if version.office else "—"],
        [_("Level of exercise"), version.get_exercise_level_display()],
        [
            _("Statutory time limit"),
            limit_text(version.statutory_limit, version.get_statutory_limit_unit_display()),
        ],
        [
            _("Committed time limit"),
            limit_text(version.committed_limit, version.get_committed_limit_unit_display()),
        ],
        [_("Visits needed"), str(version.visits_needed)],
        [_("Place of service"), version.service_place or "—"],
        [_("Service hours"), version.service_hours or "—"],
        [_("Consultation phone"), version.consultation_phone or "—"],
        [_("Complaint phone"), version.complaint_phone or "—"],
        [_("Result document"), version.result_document or "—"],
    ]
    if version.entrusting_body:
        facts.insert(2, [_("Entrusting body"), version.entrusting_body])
    story.append(table(facts, [40 * mm, 132 * mm]))
    sub_items = [s.name for s in version.sub_items.all()]
    if sub_items:
        story += [p(_("Sub-items"), heading), p("；".join(sub_items))]
    story.append(p(_("Legal bases"), heading))
    story.append(
        table(
            [
                [b.get_kind_display(), f"{b.law}{b.article}" + (f"\n{b.text}" if b.text else "")]
                for b in version.legal_bases.all()
            ]
            or [["—", "—"]],
            [30 * mm, 142 * mm],
        )
    )
    if version.conditions:
        story += [p(_("Conditions"), heading), p(version.conditions)]
    materials = [
        [m.name, m.get_form_display(), str(m.copies), _("required") if m.required else _("if applicable")]
        for m in version.materials.all()
    ]
    if materials:
        story += [
            p(_("Materials"), heading),
            table(
                [[_("Material"), _("Form"), _("Copies"), ""], *materials],
                [90 * mm, 32 * mm, 18 * mm, 32 * mm],
            ),
        ]
    procedures = [
        [sp.name, f"{sp.max_days}", _("counted") if sp.counted_in_limit else _("not counted"), sp.basis]
        for sp in version.special_procedures.all()
    ]
    if procedures:
        story += [
            p(_("Special procedures"), heading),
            table(procedures, [40 * mm, 16 * mm, 26 * mm, 90 * mm]),
        ]
    fees = [
        [f.name, format_yuan(f.amount_fen) if f.amount_fen is not None else f.standard, f.basis]
        for f in version.fees.all()
    ]
    story += [
        p(_("Fees"), heading),
        table(fees, [40 * mm, 40 * mm, 92 * mm]) if fees else p(_("No fee is charged.")),
    ]
    if version.extension_rule:
        story += [p(_("Extension rule"), heading), p(version.extension_rule)]
    story.append(p(_("Flow diagram"), heading))
    if flows:
        names = "；".join(f"{flow.name}（v{flow.version}）" for flow in flows)
        story.append(p(_("The flow diagram of %(names)s is in the online guide.") % {"names": names}, small))
    else:
        story.append(p(_("The flow diagram will be generated from the process definition."), small))
    if risks:
        story.append(p(_("Risk points and red lines"), heading))
        story.append(
            table(
                [
                    [
                        r.get_level_display(),
                        f"{r.step}：{r.description}"
                        + (
                            f"\n{_('Red line')}：{r.red_line}\n{_('Consequence')}：{r.consequence}"
                            if r.red_line
                            else ""
                        ),
                    ]
                    for r in risks
                ],
                [18 * mm, 154 * mm],
            )
        )
    clauses = [[c.get_stage_display(), c.situation] for c in version.accountability.all()]
    if clauses:
        story += [p(_("Accountability"), heading), table(clauses, [30 * mm, 142 * mm])]
    published = timezone.localtime(version.published_at).strftime("%Y-%m-%d") if version.published_at else "—"
    story += [
        Spacer(1, 6 * mm),
        p(
            _(
                "Version %(n)d, published %(published)s, valid from %(from)s. Printed %(now)s. Current version: %(url)s"
            )
            % {
                "n": version.number,
                "published": published,
                "from": version.valid_from.isoformat(),
                "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                "url": url,
            },
            small,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{version.name} {_('Service guide')}",
        author=item.unit.name,
    )
    doc.build(story)
    return out.getvalue()
