"""Due dates that depend on the calendar: recomputed when a year's arrangement is loaded."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from sunlight.cases import clock
from sunlight.cases.models import Case, StepState
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor

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
