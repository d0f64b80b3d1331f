"""Query-count guards: the power list's pages read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

from django.urls import reverse

from sunlight.powers import actions
from sunlight.powers.content import MaterialData
from sunlight.powers.models import PowerItem
from sunlight.powers.tests.helpers import draft, publish
from sunlight.test import Personas

MARKER = '<td class="mono">CZJ-XK-'


class PowersQueryCountTests(Personas):
    def add(self, count: int, *, then: str = "") -> None:
        """`count` more powers of 区财政局, each with every part; submitted or published if asked."""
        first = PowerItem.objects.count()
        for n in range(first, first + count):
            version = draft(self.as_actor(self.chief), self.finance, f"CZJ-XK-{n:04d}", name=f"财政事项{n}")
            if then == "submitted":
                actions.submit_version(self.as_actor(self.head), version)
            elif then == "published":
                publish(self.as_actor(self.head), self.inspector, version)

    def test_it_lists_a_units_published_powers_to_the_public_in_the_same_queries_for_three_times_as_many(
        self,
    ) -> None:
        url = reverse("powers:index") + f"?unit={self.finance.pk}"
        self.add(2, then="published")
        few = self.queries(url, 'class="mono">CZJ-XK-', 2)
        self.add(4, then="published")
        self.assertEqual(self.queries(url, 'class="mono">CZJ-XK-', 6), few)

    def test_it_shows_the_units_list_as_kept_in_the_same_queries_for_three_times_the_items(self) -> None:
        self.login(self.chief)
        url = reverse("powers:workspace")
        self.add(1)
        self.add(1, then="published")
        few = self.queries(url, MARKER, 2)
        self.add(2)
        self.add(2, then="published")
        self.assertEqual(self.queries(url, MARKER, 6), few)

    def test_it_shows_the_review_queue_in_the_same_queries_for_three_times_the_versions(self) -> None:
        self.login(self.inspector, verified=True)
        url = reverse("powers:review")
        self.add(2, then="submitted")
        few = self.queries(url, MARKER, 2)
        self.add(4, then="submitted")
        self.assertEqual(self.queries(url, MARKER, 6), few)

    def test_it_shows_a_service_guide_in_the_same_queries_for_three_times_the_materials(self) -> None:
        def guide(code: str, materials: int) -> str:
            listed = tuple(MaterialData(f"申请材料{n}号", "original", 1, True) for n in range(materials))
            version = draft(self.as_actor(self.chief), self.finance, code, materials=listed)
            publish(self.as_actor(self.head), self.inspector, version)
            return reverse("powers:guide", args=[code])

        few = self.queries(guide("CZJ-XK-0001", 2), "号</", 2)
        self.assertEqual(self.queries(guide("CZJ-XK-0002", 6), "号</", 6), few)
