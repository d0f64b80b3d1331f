"""Each indicator of a unit for a period, computed from the records behind it.

Every function returns the figure and the ids it was counted from (the evidence), so that any
figure of an assessment can be traced to its cases, alarms, ratings, vouchers and reports.
The period is [start, as_of] in local dates; `today` decides which deadlines have passed.

- ON_TIME: cases the unit owns that concluded in the period (on time when concluded by the due
  date), and those still open at its end past their due date (late).
- ALARMS_PER_100: red alarms of the unit raised in the period (not dismissed), per 100 cases
  started in it that the unit owns, accepted or handled a step of; in hundredths (no case:
  counted per one case).
- UNEXPLAINED: those red alarms the monitoring centre did not explain by the explain deadline
  (only once that deadline has passed).
- RECTIFICATION: rectifications due in the period (after bad ratings, and after recommendation
  letters or accountability) done by their due date.
- SATISFACTION: counted ratings given in the period that are 非常满意, 满意 or 基本满意.
- RECONCILIATION: vouchers found outside the system or with another amount, and case numbers
  missing from the paper or the electronic archive, in the reconciliations of the period
  (each voucher or case number once).
- CONTROL_PLAN: half the review status of the unit's latest plan (approved 100%, submitted
  60%, returned 30%, draft 0) and half its completeness on the period's last day (the share of
  the register's items — powers in force, high risks, live measures — without a coverage gap;
  100% for an empty register). No plan at all: 0.
- REPORTS: whistleblowing reports about the unit concluded in the period as substantiated or
  partly substantiated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sunlight.alarms.lifecycle import first_stage_due
from sunlight.alarms.models import Alarm, AlarmEvent, AlarmLevel, AlarmState, Transition
from sunlight.assessments.models import Indicator
from sunlight.assessments.periods import datetime_range
from sunlight.assessments.scoring import ratio_bp
from sunlight.cases.models import Case, CaseState
from sunlight.orgs.models import Organisation
from sunlight.powers.models import PowerVersion
from sunlight.ratings.models import Rating, Rectification, TaskState
from sunlight.ratings.queries import SATISFIED_GRADES
from sunlight.reports.models import Finding, Report, ReportState
from sunlight.risks import coverage
from sunlight.risks.models import ControlMeasure, ControlPlan, PlanState, RiskPoint
from sunlight.supervision.models import ArchiveCheck, Voucher, VoucherStatus

PLAN_STATUS_BP: dict[str, int] = {
    PlanState.APPROVED: 10000,
    PlanState.SUBMITTED: 6000,
    PlanState.RETURNED: 3000,
    PlanState.DRAFT: 0,
}
CONCLUDED = (CaseState.APPROVED, CaseState.REFUSED)
SUBSTANTIATED = (Finding.SUBSTANTIATED, Finding.PARTLY)
MISSED_VOUCHERS = (VoucherStatus.UNMATCHED, VoucherStatus.AMOUNT_DIFFERS)


@dataclass
class Figure:
    value: int | None
    numerator: int = 0
    denominator: int = 0
    groups: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def evidence(self) -> dict[str, Any]:
        return {"groups": self.groups, "figures": self.figures}


@dataclass(frozen=True)
class Period:
    start: dt.date
    as_of: dt.date
    today: dt.date

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        return datetime_range(self.start, self.as_of)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def on_time(unit: Organisation, period: Period) -> Figure:
    first, after = period.moments
    concluded = Case.objects.filter(
        owner=unit, state__in=CONCLUDED, completed_at__gte=first, completed_at__lt=after
    ).order_by("pk")
    good: list[int] = []
    late: list[int] = []
    for pk, completed_at, due in concluded.values_list("pk", "completed_at", "due_date"):
        assert completed_at is not None
        (good if _day(completed_at) <= due else late).append(pk)
    # Open at the end of the period and already past due (a suspended clock is not late).
    still_open = Q(state=CaseState.RUNNING) | Q(state__in=CONCLUDED, completed_at__gte=after)
    late += list(
        Case.objects.filter(owner=unit, started_at__lt=after, due_date__lt=period.as_of)
        .filter(still_open)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = len(good) + len(late)
    return Figure(
        ratio_bp(len(good), total),
        len(good),
        total,
        {"on_time": {"case": good}, "late": {"case": sorted(late)}},
    )


def _red_alarms(unit: Organisation, period: Period) -> list[tuple[int, dt.datetime]]:
    first, after = period.moments
    return list(
        Alarm.objects.filter(unit=unit, level=AlarmLevel.RED, raised_at__gte=first, raised_at__lt=after)
        .exclude(state=AlarmState.DISMISSED)
        .order_by("pk")
        .values_list("pk", "raised_at")
    )


def alarms_per_100(unit: Organisation, period: Period) -> Figure:
    first, after = period.moments
    alarms = [pk for pk, _raised in _red_alarms(unit, period)]
    # The cases the unit worked on: its own, those it accepted, and those with a step at it
    # (the departments of a parallel approval, S8).
    worked = Q(owner=unit) | Q(intake=unit) | Q(steps__unit=unit)
    cases = list(
        Case.objects.filter(worked, started_at__gte=first, started_at__lt=after)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    value = len(alarms) * 10000 // max(len(cases), 1)
    return Figure(value, len(alarms), len(cases), {"alarms": {"alarm": alarms}, "cases": {"case": cases}})


def unexplained(unit: Organisation, period: Period) -> Figure:
    alarms = _red_alarms(unit, period)
    explained: dict[int, dt.date] = {}
    for alarm_id, at in (
        AlarmEvent.objects.filter(alarm_id__in=[pk for pk, _r in alarms], transition=Transition.EXPLAIN)
        .order_by("at")
        .values_list("alarm_id", "at")
    ):
        explained.setdefault(alarm_id, _day(at))
    missed: list[int] = []
    judged = 0
    for pk, raised_at in alarms:
        deadline = first_stage_due(AlarmLevel.RED, unit.pk, _day(raised_at))
        assert deadline is not None
        when = explained.get(pk)
        if when is not None and when <= deadline:
            judged += 1
        elif deadline < period.today:
            judged += 1
            missed.append(pk)
    return Figure(len(missed), len(missed), judged, {"unexplained": {"alarm": missed}})


def rectification(unit: Organisation, period: Period) -> Figure:
    good: dict[str, list[int]] = {"rectification": [], "alarm": []}
    late: dict[str, list[int]] = {"rectification": [], "alarm": []}
    tasks = (
        Rectification.objects.filter(unit=unit, due_date__gte=period.start, due_date__lte=period.as_of)
        .exclude(state=TaskState.CANCELLED)
        .order_by("pk")
        .values_list("pk", "state", "done_at", "due_date")
    )
    for pk, state, done_at, due in tasks:
        if state == TaskState.DONE and done_at is not None and _day(done_at) <= due:
            good["rectification"].append(pk)
        elif state == TaskState.DONE or due < period.today:
            late["rectification"].append(pk)
    # After a letter or an accountability procedure the unit rectifies by the stage's deadline;
    # the latest such step of an alarm sets the deadline that counts.
    orders = (
        AlarmEvent.objects.filter(
            alarm__unit=unit, transition__in=(Transition.LETTER, Transition.ACCOUNTABILITY)
        )
        .exclude(stage_due__isnull=True)
        .order_by("at", "pk")
        .values_list("alarm_id", "stage_due", "at")
    )
    latest: dict[int, tuple[dt.date, dt.datetime]] = {}
    for alarm_id, stage_due, at in orders:
        if stage_due is not None:
            latest[alarm_id] = (stage_due, at)
    due_now = {a: v for a, v in latest.items() if period.start <= v[0] <= period.as_of}
    done: dict[int, dt.datetime] = {}
    for alarm_id, at in (
        AlarmEvent.objects.filter(alarm_id__in=due_now, transition=Transition.RECTIFY)
        .order_by("at")
        .values_list("alarm_id", "at")
    ):
        if at >= due_now[alarm_id][1]:
            done.setdefault(alarm_id, at)
    for alarm_id in sorted(due_now):
        deadline = due_now[alarm_id][0]
        when = done.get(alarm_id)
        if when is not None and _day(when) <= deadline:
            good["alarm"].append(alarm_id)
        elif when is not None or deadline < period.today:
            late["alarm"].append(alarm_id)
    ok = len(good["rectification"]) + len(good["alarm"])
    total = ok + len(late["rectification"]) + len(late["alarm"])
    return Figure(ratio_bp(ok, total), ok, total, {"on_time": good, "late": late})


def satisfaction(unit: Organisation, period: Period) -> Figure:
    first, after = period.moments
    satisfied: list[int] = []
    other: list[int] = []
    for pk, grade in (
        Rating.objects.counted()
        .filter(unit=unit, rated_at__gte=first, rated_at__lt=after)
        .order_by("pk")
        .values_list("pk", "grade")
    ):
        (satisfied if grade in SATISFIED_GRADES else other).append(pk)
    total = len(satisfied) + len(other)
    return Figure(
        ratio_bp(len(satisfied), total),
        len(satisfied),
        total,
        {"satisfied": {"rating": satisfied}, "dissatisfied": {"rating": other}},
    )


def reconciliation(unit: Organisation, period: Period) -> Figure:
    first, after = period.moments
    vouchers: dict[str, int] = {}
    for pk, number in (
        Voucher.objects.filter(
            voucher_import__unit=unit,
            voucher_import__imported_at__gte=first,
            voucher_import__imported_at__lt=after,
            status__in=MISSED_VOUCHERS,
        )
        .order_by("pk")
        .values_list("pk", "number")
    ):
        vouchers.setdefault(number, pk)  # the same list imported twice is one miss
    archives: dict[str, str] = {}
    for pk, paper_only, electronic_only in (
        ArchiveCheck.objects.filter(unit=unit, checked_at__gte=first, checked_at__lt=after)
        .order_by("pk")
        .values_list("pk", "paper_only", "electronic_only")
    ):
        for number in [*paper_only, *electronic_only]:
            archives.setdefault(str(number), f"{pk}:{number}")
    count = len(vouchers) + len(archives)
    groups: dict[str, dict[str, list[Any]]] = {
        "misses": {"voucher": sorted(vouchers.values()), "archive": sorted(archives.values())}
    }
    return Figure(count, count, count, groups)


def control_plan(unit: Organisation, period: Period) -> Figure:
    _first, after = period.moments
    plan = ControlPlan.objects.filter(unit=unit, created_at__lt=after).order_by("-number").first()
    status = PLAN_STATUS_BP.get(plan.state, 0) if plan is not None else 0
    gaps = coverage.gaps(unit.pk, on=period.as_of)
    items = (
        PowerVersion.objects.as_of(period.as_of).of_unit(unit.pk).count()
        + RiskPoint.objects.active().of_unit(unit.pk).high().count()
        + ControlMeasure.objects.live().of_unit(unit.pk).count()
    )
    covered = max(items - gaps.count, 0)
    completeness = ratio_bp(covered, items)
    # No plan filed: nothing of the register counts as complete either.
    complete_bp = 0 if plan is None else (10000 if completeness is None else completeness)
    groups: dict[str, dict[str, list[Any]]] = {
        "plan": {"plan": [plan.pk] if plan is not None else []},
        "gaps": {
            "power": [v.item_id for v in gaps.powers_without_risk],
            "risk_point": [p.pk for p in gaps.high_without_measure],
            "measure": [m.pk for m in gaps.measures_past_review],
        },
    }
    return Figure(
        (status + complete_bp) // 2,
        covered,
        items,
        groups,
        {"status_bp": status, "completeness_bp": complete_bp},
    )


def reports(unit: Organisation, period: Period) -> Figure:
    first, after = period.moments
    found = list(
        Report.objects.filter(
            unit=unit,
            state=ReportState.CONCLUDED,
            finding__in=SUBSTANTIATED,
            closed_at__gte=first,
            closed_at__lt=after,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Figure(len(found), len(found), len(found), {"substantiated": {"report": found}})


COMPUTE: dict[str, Callable[[Organisation, Period], Figure]] = {
    Indicator.ON_TIME: on_time,
    Indicator.ALARMS_PER_100: alarms_per_100,
    Indicator.UNEXPLAINED: unexplained,
    Indicator.RECTIFICATION: rectification,
    Indicator.SATISFACTION: satisfaction,
    Indicator.RECONCILIATION: reconciliation,
    Indicator.CONTROL_PLAN: control_plan,
    Indicator.REPORTS: reports,
}


def compute(unit: Organisation, period: Period) -> dict[str, Figure]:
    return {indicator: fn(unit, period) for indicator, fn in COMPUTE.items()}
