"""What the supervision console (监督台, S15) shows, as named reads over an inspector's jurisdiction.

A fixed number of queries whatever the size of the district, each on an index:
- steps: `cases_active_step_due` (active steps by due date);
- open cases: `cases_open_due`; recent refusals: `cases_owner_state` (owner, state, started_at),
  which is why the jurisdiction is always passed as explicit unit ids;
- alarms: `alarms_unit_state`, `alarms_kind`.
Lists show numbers, units and dates only: opening a case is the read the ledger records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.alarms.sweep import cutoff_for
from sunlight.calendars.workdays import workdays_between
from sunlight.cases.models import OPEN_CASE_STATES, Case, CaseState, Step
from sunlight.orgs.models import Organisation

LIST = 30
RECENT_DAYS = 90


@dataclass(frozen=True)
class Clock:
    case: Case
    workdays_left: int  # negative when overdue


def unit_ids_of(supervised: set[int] | None) -> list[int]:
    """The jurisdiction as explicit ids (the whole district: every unit)."""
    if supervised is not None:
        return sorted(supervised)
    return list(Organisation.objects.units().order_by("pk").values_list("pk", flat=True))


def work_due(units: list[int], today: dt.date) -> list[Step]:
    """Active steps overdue or due within the warning window, soonest first."""
    return list(
        Step.objects.active()
        .filter(due_date__lte=cutoff_for(today), unit_id__in=units)
        .select_related("case", "unit")
        .order_by("due_date", "pk")[:LIST]
    )


def open_cases(units: list[int], today: dt.date) -> list[Clock]:
    cases = (
        Case.objects.filter(state__in=OPEN_CASE_STATES, owner_id__in=units)
        .select_related("owner")
        .order_by("due_date", "pk")[:LIST]
    )
    return [Clock(c, workdays_between(today, c.due_date)) for c in cases]


def counts(units: list[int], today: dt.date) -> dict[str, Any]:
    steps = (
        Step.objects.active()
        .filter(unit_id__in=units)
        .aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=cutoff_for(today))),
        )
    )
    cases = Case.objects.filter(state__in=OPEN_CASE_STATES, owner_id__in=units).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(state=CaseState.RUNNING, due_date__lt=today)),
        suspended=Count("pk", filter=Q(state=CaseState.SUSPENDED)),
    )
    alarms = (
        Alarm.objects.open()
        .filter(unit_id__in=units)
        .aggregate(
            red=Count("pk", filter=Q(level=AlarmLevel.RED)),
            yellow=Count("pk", filter=Q(level=AlarmLevel.YELLOW)),
            stage_missed=Count("pk", filter=Q(stage_due__lt=today)),
        )
    )
    return {"steps": steps, "cases": cases, "alarms": alarms}


def alarms_by_kind(units: list[int]) -> list[dict[str, Any]]:
    rows = (
        Alarm.objects.open()
        .filter(unit_id__in=units)
        .values("kind")
        .annotate(red=Count("pk", filter=Q(level=AlarmLevel.RED)), total=Count("pk"))
        .order_by("-total", "kind")
    )
    labels = dict(AlarmKind.choices)
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]


def alarms_by_unit(units: list[int]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in Alarm.objects.open()
        .filter(unit_id__in=units)
        .values("unit_id", "unit__name")
        .annotate(red=Count("pk", filter=Q(level=AlarmLevel.RED)), total=Count("pk"))
        .order_by("-red", "-total", "unit__name")[:LIST]
    ]


def recent_red_alarms(units: list[int]) -> list[Alarm]:
    return list(
        Alarm.objects.open()
        .filter(unit_id__in=units, level=AlarmLevel.RED)
        .select_related("unit")
        .order_by("-raised_at", "-pk")[:LIST]
    )


def checkpoint_blocks(units: list[int]) -> list[Alarm]:
    return list(
        Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED, unit_id__in=units)
        .select_related("unit", "person")
        .order_by("-raised_at", "-pk")[:10]
    )


def recent_refusals(units: list[int], today: dt.date) -> list[Case]:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time.min))
    return list(
        Case.objects.filter(owner_id__in=units, state=CaseState.REFUSED, started_at__gte=since)
        .select_related("owner")
        .order_by("-completed_at", "-pk")[:10]
    )


def awaiting_approval(units: list[int]) -> dict[str, list[Any]]:
    """Payment requests and change orders awaiting approval in the jurisdiction (S15, S18, S19)."""
    from sunlight.funds.models import ChangeOrder, ChangeState, PaymentRequest, RequestState

    return {
        "payments": list(
            PaymentRequest.objects.filter(
                state__in=[RequestState.PENDING, RequestState.APPROVED], contract__project__unit_id__in=units
            )
            .select_related("contract__project__unit")
            .order_by("requested_at", "pk")[:LIST]
        ),
        "changes": list(
            ChangeOrder.objects.filter(state=ChangeState.PENDING, contract__project__unit_id__in=units)
            .select_related("contract__project__unit")
            .order_by("submitted_at", "pk")[:LIST]
        ),
    }


def console(supervised: set[int] | None, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    units = unit_ids_of(supervised)
    return {
        "today": today,
        "counts": counts(units, today),
        "work_due": work_due(units, today),
        "open_cases": open_cases(units, today),
        "alarms_by_kind": alarms_by_kind(units),
        "alarms_by_unit": alarms_by_unit(units),
        "red_alarms": recent_red_alarms(units),
        "checkpoint_blocks": checkpoint_blocks(units),
        "refusals": recent_refusals(units, today),
        **awaiting_approval(units),
    }
