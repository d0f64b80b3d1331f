"""Query-count guards: the unit's ratings and the appeals read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ratings import actions
from sunlight.ratings.models import Grade, Rating
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
COMMENT = "窗口让我跑了三趟"


@time_machine.travel(MONDAY, tick=False)
class RatingsQueryCountTests(Personas):
    def rated_badly(self, count: int) -> list[Rating]:
        ratings = []
        for _ in range(count):
            case, code = conclude(self)
            ratings.append(
                actions.rate(
                    Actor.system(Channel.PORTAL),
                    case,
                    code=code,
                    grade=Grade.VERY_DISSATISFIED,
                    comment=COMMENT,
                )
            )
        return ratings

    def test_it_shows_the_units_ratings_in_the_same_queries_for_three_times_as_many(self) -> None:
        self.login(self.monitor)
        url = reverse("ratings:unit")
        self.rated_badly(2)
        # Each bad rating is open, and among the recent ones.
        few = self.queries(url, 'class="mono">CZJ-2026-', 4)
        self.rated_badly(4)
        self.assertEqual(self.queries(url, 'class="mono">CZJ-2026-', 12), few)

    def test_it_lists_appeals_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            for rating in self.rated_badly(count):
                actions.file_appeal(self.as_actor(self.monitor), rating, reason="评价内容与本办件无关")

        self.login(self.inspector, verified=True)
        url = reverse("ratings:appeals")
        add(2)
        few = self.queries(url, "CZJ-2026-", 2)
        add(4)
        self.assertEqual(self.queries(url, "CZJ-2026-", 6), few)
