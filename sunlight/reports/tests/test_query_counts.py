"""Query-count guards: the inspectors' report inbox reads its rows in fixed queries.

The inbox is rendered with a few reports and again with three times as many; the number of
queries must not change, so an N+1 query fails here.
"""

from __future__ import annotations

from django.urls import reverse

from sunlight.reports import actions
from sunlight.test import Personas


class ReportsQueryCountTests(Personas):
    def add(self, count: int) -> None:
        """`count` reports about 区财政局; every other one assigned to the inspector."""
        for n in range(count):
            report, _receipt = actions.submit(
                subject_kind="unit", unit=self.finance, text=f"审批股长期压件，要求申请人找中介代办（{n}）"
            )
            if n % 2:
                actions.assign(self.as_actor(self.inspector), report, [self.inspector])

    def test_it_lists_the_inbox_in_the_same_queries_for_three_times_the_reports(self) -> None:
        self.login(self.inspector, verified=True)
        url = reverse("reports:inbox")
        self.add(2)
        # Each report appears in "all", and once more under "mine" or "waiting to be assigned".
        few = self.queries(url, "<td>区财政局</td>", 4)
        self.add(4)
        self.assertEqual(self.queries(url, "<td>区财政局</td>", 12), few)
