"""Overdue callbacks and rectifications after bad ratings raise a yellow card for the unit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.ledger.actor import Actor
from sunlight.lib.timers import register
from sunlight.ratings.models import Callback, Rectification


@register("ratings.overdue")
def overdue() -> int:
    """Claim each overdue task once (a conditional UPDATE), then raise its alarm (idempotent)."""
    now = timezone.now()
    handled = 0
    for model, kind_name in ((Callback, "callback"), (Rectification, "rectification")):
        due = model.objects.overdue(timezone.localdate(now)).filter(alarmed_at__isnull=True)
        for task in due.select_related("rating__case", "unit")[:500]:
            with transaction.atomic():
                if not model.objects.filter(pk=task.pk, alarmed_at__isnull=True).update(alarmed_at=now):
                    continue  # another timer process claimed it
                if kind_name == "callback":
                    message = _("The callback to the rater of case %(number)s was due on %(due)s.")
                else:
                    message = _(
                        "The rectification after the bad rating of case %(number)s was due on %(due)s."
                    )
                raise_alarm(
                    Actor.system(),
                    kind=AlarmKind.OTHER,
                    level=AlarmLevel.YELLOW,
                    message=message % {"number": task.rating.case.number, "due": task.due_date.isoformat()},
                    dedupe_key=f"ratings.{kind_name}-overdue:{task.pk}",
                    unit=task.unit,
                    subject=task.rating.case,
                    detail={"rating": task.rating_id, "due": task.due_date.isoformat()},
                )
                handled += 1
    return handled
