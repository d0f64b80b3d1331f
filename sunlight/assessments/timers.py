"""The assessments' timers, run by `runtimers` (several nodes may run them at once).

- `assessments.summaries`: follows the ledger and keeps the dashboards' summary tables current;
- `assessments.compute`: once a day, computes the running quarter to date, and the previous
  quarter while the commission has not approved it (idempotent: unchanged drafts are not
  written again, approved results never change).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sunlight.assessments import actions, summary
from sunlight.assessments.models import FINAL_STATES, Assessment, SummaryMark
from sunlight.assessments.periods import Quarter, day_start
from sunlight.ledger.actor import Actor
from sunlight.lib.timers import register

COMPUTE_MARK = "assessments.compute"
NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@register("assessments.summaries")
def refresh_summaries() -> int:
    return summary.refresh()


def claim_day(name: str) -> bool:
    """True for the one caller that claims today's run (a conditional UPDATE)."""
    SummaryMark.objects.get_or_create(name=name, defaults={"updated_at": NEVER})
    today = day_start(timezone.localdate())
    return bool(SummaryMark.objects.filter(name=name, updated_at__lt=today).update(updated_at=timezone.now()))


@register("assessments.compute")
def compute_daily() -> int:
    if not claim_day(COMPUTE_MARK):
        return 0
    current = Quarter.current()
    done = len(actions.compute_quarter(Actor.system(), current))
    previous = current.previous()
    settled = Assessment.objects.of_quarter(previous.year, previous.number)
    if not settled.exists() or settled.exclude(state__in=FINAL_STATES).exists():
        done += len(actions.compute_quarter(Actor.system(), previous))
    return done
