"""Query-count guards: the risk register's pages read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

from django.urls import reverse

from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions, plans
from sunlight.risks.models import RiskPoint
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.test import Personas


class RisksQueryCountTests(Personas):
    def setUp(self) -> None:
        self.unit = self.as_actor(self.chief)
        publish(self.as_actor(self.leader), self.inspector, draft(self.unit, self.finance))

    def add_points(self, count: int) -> None:
        for _ in range(count):
            actions.create_risk_point(
                self.unit,
                self.finance,
                point_data(),
                measures=[measure_data(), measure_data(kind="institutional")],
            )

    def test_it_shows_the_register_in_the_same_queries_for_three_times_the_risk_points(self) -> None:
        self.login(self.chief)
        url = reverse("risks:register")
        self.add_points(2)
        few = self.queries(url, ">CZJ-FX-", 2)
        self.add_points(4)
        self.assertEqual(self.queries(url, ">CZJ-FX-", 6), few)

    def test_it_shows_a_risk_point_in_the_same_queries_for_three_times_the_measures_and_revisions(
        self,
    ) -> None:
        self.add_points(1)
        point = RiskPoint.objects.get()
        self.login(self.chief)
        url = reverse("risks:point", args=[point.pk])

        def add(count: int) -> None:
            for n in range(count):
                actions.add_measure(
                    self.unit, point, measure_data(description=f"第{n}项措施：双人复核并留痕")
                )

        add(2)
        few = self.queries(url, "项措施：双人复核并留痕", 2)
        add(4)
        self.assertEqual(self.queries(url, "项措施：双人复核并留痕", 6), few)

    def approved_plans(self, count: int) -> None:
        for _ in range(count):
            plan = plans.create_plan(self.unit, self.finance, title="区财政局廉政风险防控方案")
            plans.submit_plan(self.as_actor(self.leader), plan)
            plans.approve_plan(self.as_actor(self.inspector), plan)

    def test_it_lists_a_units_control_plans_in_the_same_queries_for_three_times_as_many(self) -> None:
        self.add_points(1)
        add = self.approved_plans
        self.login(self.chief)
        url = reverse("risks:plans")
        add(2)
        few = self.queries(url, "区财政局廉政风险防控方案</a>", 2)
        add(4)
        self.assertEqual(self.queries(url, "区财政局廉政风险防控方案</a>", 6), few)

    def test_it_lists_the_reviewed_plans_to_inspectors_in_the_same_queries_for_three_times_as_many(
        self,
    ) -> None:
        self.add_points(1)
        self.login(self.inspector, verified=True)
        url = reverse("risks:reviews")
        self.approved_plans(2)
        few = self.queries(url, "区财政局 · 区财政局廉政风险防控方案", 2)
        self.approved_plans(4)
        self.assertEqual(self.queries(url, "区财政局 · 区财政局廉政风险防控方案", 6), few)
