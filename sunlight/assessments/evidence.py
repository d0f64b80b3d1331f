"""The records behind a score, as the evidence page lists them (one query per kind of record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.alarms.models import Alarm
from sunlight.assessments.models import Score
from sunlight.cases.models import Case
from sunlight.lib.money import format_yuan
from sunlight.powers.models import PowerItem
from sunlight.ratings.models import Rating, Rectification
from sunlight.reports.models import Report
from sunlight.risks.models import ControlMeasure, ControlPlan, RiskPoint
from sunlight.supervision.models import Voucher

GROUP_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "alarms": gettext_lazy("Red alarms"),
    "cases": gettext_lazy("Cases started"),
    "unexplained": gettext_lazy("Not explained by the deadline"),
    "satisfied": gettext_lazy("Satisfied"),
    "dissatisfied": gettext_lazy("Dissatisfied"),
    "misses": gettext_lazy("Misses"),
    "plan": gettext_lazy("Latest control plan"),
    "gaps": gettext_lazy("Coverage gaps"),
    "substantiated": gettext_lazy("Substantiated"),
}
# Report ids are shown to inspectors only: nothing may lead a unit towards a reporter.
CONFIDENTIAL_TYPES = {"report"}


@dataclass
class Line:
    text: str
    url: str = ""
    note: str = ""


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _lines(kind: str, ids: list[Any]) -> list[Line]:
    if kind == "case":
        return [
            Line(
                c.number,
                reverse("cases:detail", args=[c.number]),
                f"{c.get_state_display()} · {_('due')} {c.due_date:%Y-%m-%d} · {_when(c.completed_at)}",
            )
            for c in Case.objects.filter(pk__in=ids).order_by("pk")
        ]
    if kind == "alarm":
        return [
            Line(
                f"{a.get_level_display()} · {a.get_kind_display()}",
                reverse("alarms:detail", args=[a.pk]),
                f"{_when(a.raised_at)} · {a.get_state_display()}",
            )
            for a in Alarm.objects.filter(pk__in=ids).order_by("pk")
        ]
    if kind == "rating":
        return [
            Line(
                r.case.number,
                reverse("ratings:detail", args=[r.pk]),
                f"{r.get_grade_display()} · {_when(r.rated_at)}",
            )
            for r in Rating.objects.filter(pk__in=ids).select_related("case").order_by("pk")
        ]
    if kind == "rectification":
        return [
            Line(
                t.rating.case.number,
                reverse("ratings:detail", args=[t.rating_id]),
                f"{_('due')} {t.due_date:%Y-%m-%d} · {t.get_state_display()} · {_when(t.done_at)}",
            )
            for t in Rectification.objects.filter(pk__in=ids).select_related("rating__case").order_by("pk")
        ]
    if kind == "voucher":
        return [
            Line(
                v.number,
                reverse("supervision:voucher_import", args=[v.voucher_import_id]),
                f"{v.date:%Y-%m-%d} · {format_yuan(v.amount_fen)} · {v.get_status_display()}",
            )
            for v in Voucher.objects.filter(pk__in=ids).order_by("pk")
        ]
    if kind == "archive":
        lines = []
        for ref in ids:
            check, _sep, number = str(ref).partition(":")
            lines.append(
                Line(
                    number, reverse("supervision:archive_check", args=[int(check)]) if check.isdigit() else ""
                )
            )
        return lines
    if kind == "plan":
        return [
            Line(p.title, reverse("risks:plan", args=[p.pk]), p.get_state_display())
            for p in ControlPlan.objects.filter(pk__in=ids)
        ]
    if kind == "power":
        return [Line(p.code) for p in PowerItem.objects.filter(pk__in=ids).order_by("code")]
    if kind == "risk_point":
        return [
            Line(p.code, reverse("risks:point", args=[p.pk])) for p in RiskPoint.objects.filter(pk__in=ids)
        ]
    if kind == "measure":
        return [
            Line(
                m.ref,
                reverse("risks:point", args=[m.risk_point_id]),
                f"{_('next review')} {m.next_review:%Y-%m-%d}",
            )
            for m in ControlMeasure.objects.filter(pk__in=ids).select_related("risk_point")
        ]
    if kind == "report":
        return [
            Line(
                f"#{r.pk}",
                reverse("reports:detail", args=[r.pk]),
                f"{r.get_finding_display()} · {_when(r.closed_at)}",
            )
            for r in Report.objects.filter(pk__in=ids).order_by("pk")
        ]
    return [Line(str(i)) for i in ids]


TYPE_LABELS = {
    "case": gettext_lazy("Cases"),
    "alarm": gettext_lazy("Alarms"),
    "rating": gettext_lazy("Ratings"),
    "rectification": gettext_lazy("Rectifications after bad ratings"),
    "voucher": gettext_lazy("Vouchers"),
    "archive": gettext_lazy("Archive comparisons (case numbers)"),
    "plan": gettext_lazy("Control plans"),
    "power": gettext_lazy("Powers without a risk assessment"),
    "risk_point": gettext_lazy("High risks without a live measure"),
    "measure": gettext_lazy("Measures past their review"),
    "report": gettext_lazy("Whistleblowing reports"),
}


def groups(score: Score, *, inspector: bool) -> list[dict[str, Any]]:
    """[{label, parts: [{label, count, lines}]}] for the page; confidential kinds counted only."""
    out = []
    for group, kinds in (score.evidence.get("groups") or {}).items():
        parts = []
        for kind, ids in kinds.items():
            hidden = kind in CONFIDENTIAL_TYPES and not inspector
            parts.append(
                {
                    "label": TYPE_LABELS.get(kind, kind),
                    "count": len(ids),
                    "lines": [] if hidden or not ids else _lines(kind, list(ids)),
                    "hidden": hidden,
                }
            )
        out.append({"label": GROUP_LABELS.get(group, group), "parts": parts})
    return out
