"""Recording each timer round, for the health check and the timer-lag metric."""

from __future__ import annotations

import datetime as dt

from sunlight.operations.models import TimerRun


def record_round(name: str, started: dt.datetime, finished: dt.datetime, count: int, failed: bool) -> None:
    TimerRun.objects.update_or_create(
        name=name,
        defaults={
            "last_started": started,
            "last_finished": finished,
            "last_count": count,
            "last_failed": failed,
        },
    )
