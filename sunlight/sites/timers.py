"""The missed-inspection timer: a scheduled visit whose window closed without a check-in raises
exactly one red alarm (AlarmKind.SITE_INSPECTION_MISSED), and the next visit of a recurring
schedule opens. Several `runtimers` nodes may run it: each visit is claimed with SKIP LOCKED on
PostgreSQL and a state check, and the alarm's dedupe key is the visit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sunlight.lib.timers import register
from sunlight.sites import actions
from sunlight.sites.models import ScheduledVisit

BATCH = 200


@register("sites.missed_inspections")
def missed_inspections() -> int:
    now = timezone.now()
    # Through the partial index sites_visit_due; each visit in its own transaction.
    due = list(
        ScheduledVisit.objects.overdue(now).order_by("ends_at", "pk").values_list("pk", flat=True)[:BATCH]
    )
    missed = 0
    for pk in due:
        with transaction.atomic():
            visit = (
                ScheduledVisit.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("schedule__site__project", "schedule__post__organisation__unit")
                .overdue(now)
                .filter(pk=pk)
                .first()
            )
            if visit is not None and actions.mark_missed(visit):
                missed += 1
    return missed
