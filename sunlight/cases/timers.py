"""Due dates that depend on the calendar: recomputed when a year's arrangement is loaded."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from sunlight.cases import clock, results
from sunlight.cases.models import Case, CaseState, StepState
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.lib.timers import register

log = logging.getLogger("sunlight.cases")


def recompute_provisional(year: int) -> None:
    """Open cases whose due dates were provisional (a year without a calendar) get final ones."""
    provisional = (
        Case.objects.open()
        .filter(Q(due_provisional=True) | Q(steps__state=StepState.ACTIVE, steps__due_provisional=True))
        .distinct()
    )
    count = 0
    for case in provisional.iterator():
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            before = (locked.due_date, locked.due_provisional)
            clock.recompute(locked)
            append(
                Actor.system(),
                "cases.recompute_due",
                locked,
                changes={
                    "due_date": (before[0], locked.due_date),
                    "due_provisional": (before[1], locked.due_provisional),
                },
                detail={"calendar_year": year},
            )
        count += 1
    log.info("recomputed the due dates of %d cases after the %d calendar was loaded", count, year)


@register("cases.issue_results")
def issue_results() -> int:
    """Seal the decisions of concluded cases that have none yet, each in its own transaction."""
    issued = 0
    pending = Case.objects.filter(
        state__in=[CaseState.APPROVED, CaseState.REFUSED], result_document__isnull=True
    )
    for case_id in pending.order_by("completed_at").values_list("pk", flat=True)[:50]:
        with transaction.atomic():
            # SKIP LOCKED on PostgreSQL: another runtimers node is sealing this one.
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .select_related("owner", "applicant", "definition")
                .filter(pk=case_id, result_document__isnull=True)
                .first()
            )
            if case is not None and results.issue_result(Actor.system(Channel.TIMER), case) is not None:
                issued += 1
    return issued
