"""Query-count guards: patrols and the monitoring centre's self-checks read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from sunlight.supervision import actions
from sunlight.supervision.models import Severity
from sunlight.test import Personas

LATE_DECEMBER = dt.datetime(2026, 12, 28, 2, 0, tzinfo=dt.UTC)


@time_machine.travel(LATE_DECEMBER, tick=False)
class SupervisionQueryCountTests(Personas):
    def test_it_lists_patrols_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            for _ in range(count):
                patrol = actions.start_patrol(
                    self.as_actor(self.inspector), scope="网上巡查财政审批", unit=self.finance
                )
                actions.add_finding(
                    self.as_actor(self.inspector),
                    patrol,
                    unit=self.finance,
                    severity=Severity.NOTE,
                    description="规范",
                )

        self.login(self.inspector, verified=True)
        url = reverse("supervision:patrols")
        add(2)
        few = self.queries(url, "网上巡查财政审批", 2)
        add(4)
        self.assertEqual(self.queries(url, "网上巡查财政审批", 6), few)

    def test_it_lists_self_checks_in_the_same_queries_for_three_times_as_many(self) -> None:
        quarters = iter((year, quarter) for year in range(2020, 2027) for quarter in range(1, 5))

        def add(count: int) -> None:
            for _ in range(count):
                year, quarter = next(quarters)
                actions.submit_self_check(
                    self.as_actor(self.monitor),
                    unit=self.finance,
                    year=year,
                    quarter=quarter,
                    findings="本季度无超期办件",
                    measures="继续保持",
                )

        self.login(self.monitor)
        url = reverse("supervision:self_checks")
        add(2)
        few = self.queries(url, "本季度无超期办件", 2)
        add(4)
        self.assertEqual(self.queries(url, "本季度无超期办件", 6), few)
