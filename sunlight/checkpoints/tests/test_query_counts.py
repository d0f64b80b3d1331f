"""Query-count guards: the rule list and the discretion benchmarks read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from sunlight.checkpoints import actions
from sunlight.checkpoints.builtin import RIVER_WORKS, install_benchmark
from sunlight.checkpoints.models import Benchmark, Rule
from sunlight.test import Personas, system

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class CheckpointsQueryCountTests(Personas):
    def test_it_lists_the_rules_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            first = Rule.objects.count()
            for n in range(first, first + count):
                actions.create_rule(
                    system(),
                    code=f"FUND-TEST-{n}",
                    node_kind="fund_payment",
                    name=f"测试规则{n}",
                    expression="payment.amount_fen <= contract.price_fen",
                    message="支付不得超过合同价款。",
                    legal_basis="《政府投资条例》第二十三条",
                    severity="warn",
                    effective_from=dt.date(2026, 6, 15),
                    effective_until=None,
                    params={},
                )

        self.login(self.admin, verified=True)
        url = reverse("checkpoints:rules")
        add(2)
        few = self.queries(url, ">FUND-TEST-", 2)
        add(4)
        self.assertEqual(self.queries(url, ">FUND-TEST-", 6), few)

    def test_it_lists_the_benchmarks_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            first = Benchmark.objects.count()
            for n in range(first, first + count):
                install_benchmark(system(), RIVER_WORKS | {"code": f"SW-RIVER-{n}"}, self.water)

        self.login(self.clerk)
        url = reverse("checkpoints:benchmarks")
        add(2)
        few = self.queries(url, ">SW-RIVER-", 2)
        add(4)
        self.assertEqual(self.queries(url, ">SW-RIVER-", 6), few)
