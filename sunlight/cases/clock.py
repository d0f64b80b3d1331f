"""A case's clock: due dates in working days, stopped by suspensions (行政许可法 §45)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from sunlight.calendars.workdays import DueDate, add_workdays
from sunlight.cases.models import Case, Step, StepState
from sunlight.lib import rows
from sunlight.lib.moments import local_date


def suspended_intervals(case: Case) -> list[tuple[dt.date, dt.date]]:
    """Date ranges during which the clock stood still; an open suspension runs to today and on.

    Read once per case object: an action that opens several steps asks several times.
    Suspending and resuming reload the case, so a new object reads them afresh.
    """
    cached: list[tuple[dt.date, dt.date]] | None = getattr(case, "_suspended", None)
    if cached is not None:
        return cached
    # Hand-written: every step opened asks, and the ORM's compiler cost more than the read.
    found = rows.fetchall(
        "SELECT started_on, ended_on FROM cases_suspension WHERE case_id = %s ORDER BY started_on, id",
        [case.pk],
    )
    return remember_suspensions(case, found)


def remember_suspensions(
    case: Case, found: Sequence[tuple[dt.date, dt.date | None]]
) -> list[tuple[dt.date, dt.date]]:
    """Keep the case's suspensions (start, end or None while open), read by the caller."""
    # An open suspension runs on for ten years (the date is only looked up when one is open).
    far = dt.date.min
    if any(ended is None for _, ended in found):
        far = local_date(timezone.now()) + dt.timedelta(days=3660)
    intervals = [(started, ended or far) for started, ended in found]
    case._suspended = [(start, end) for start, end in intervals if end >= start]  # type: ignore[attr-defined]
    return list(case._suspended)  # type: ignore[attr-defined]


def case_due(case: Case) -> DueDate:
    limit = case.definition.total_limit + case.extended_days
    return add_workdays(local_date(case.started_at), limit, suspended=suspended_intervals(case))


def step_due(case: Case, activated: dt.datetime, limit: int) -> DueDate:
    return due_from(case, local_date(activated), limit)


def due_from(case: Case, day: dt.date, limit: int) -> DueDate:
    """The due date of a step of `limit` working days opened on `day` (a local date)."""
    return add_workdays(day, limit, suspended=suspended_intervals(case))


def recompute(case: Case) -> None:
    """Recompute the due dates of a case and its active steps (after a suspension, an extension,
    or a calendar year being loaded). The caller holds the transaction and writes the ledger."""
    due = case_due(case)
    case.due_date, case.due_provisional = due.date, due.provisional
    case.save(update_fields=["due_date", "due_provisional"])
    for step in case.steps.filter(state=StepState.ACTIVE):
        step_date = step_due(case, step.activated_at, step.limit)
        if (step.due_date, step.due_provisional) != (step_date.date, step_date.provisional):
            Step.objects.filter(pk=step.pk).update(
                due_date=step_date.date, due_provisional=step_date.provisional
            )
