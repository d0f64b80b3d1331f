"""Reads of cases: who may see which case, and each person's work lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.calendars.workdays import add_workdays
from sunlight.cases.models import Case, Step, StepState
from sunlight.orgs import authority
from sunlight.orgs.models import Assignment, Delegation


def acting_post_ids(user: User) -> set[int]:
    """Posts the person may act in now: held today, or delegated to them at this moment."""
    held = set(Assignment.objects.current().filter(person=user).values_list("post_id", flat=True))
    delegated = set(Delegation.objects.active().filter(grantee=user).values_list("post_id", flat=True))
    return held | delegated


def staff_unit_ids(user: User) -> set[int]:
    return {
        unit
        for unit in Assignment.objects.current()
        .filter(person=user)
        .values_list("post__organisation__unit_id", flat=True)
        if unit is not None
    }


def readable_cases(user: User, *, inspector: bool) -> Any:
    """Cases of the person's units (owner or intake), or of an inspector's jurisdiction."""
    if inspector:
        return Case.objects.of_units(authority.supervised_unit_ids(user))
    units = staff_unit_ids(user)
    involved = Q(owner_id__in=units) | Q(intake_id__in=units) | Q(steps__posts__in=acting_post_ids(user))
    return Case.objects.filter(involved).distinct()


def worklist(user: User, today: dt.date | None = None) -> dict[str, list[Step]]:
    """To do, due soon (by the next working day), overdue, and done by this person."""
    today = today or timezone.localdate()
    soon = add_workdays(today, 1).date
    mine = (
        Step.objects.active()
        .for_posts(acting_post_ids(user))
        .select_related("case__owner", "case__applicant", "unit")
        .order_by("due_date", "pk")
    )
    active = list(mine[:500])
    return {
        "todo": active,
        "due_soon": [s for s in active if today <= s.due_date <= soon],
        "overdue": [s for s in active if s.due_date < today],
        "done": list(
            Step.objects.filter(completed_by=user, state=StepState.DONE)
            .select_related("case__owner")
            .order_by("-completed_at")[:50]
        ),
    }


def node_states(case: Case) -> dict[str, str]:
    """Progress of a case on its diagram: done, active or overdue per node."""
    states: dict[str, str] = {}
    today = timezone.localdate()
    for node_id, state, due in case.steps.values_list("node_id", "state", "due_date").order_by(
        "activated_at"
    ):
        if state == StepState.ACTIVE:
            states[node_id] = "overdue" if due < today else "active"
        elif state == StepState.DONE:
            states[node_id] = "done"
    return states
