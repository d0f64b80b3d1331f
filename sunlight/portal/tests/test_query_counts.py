"""Query-count guards: the portal's home page lists the units in fixed queries.

The page is rendered with a few units and again with three times as many; the number of
queries must not change, so an N+1 query fails here. (The public case query is guarded in
`cases/tests/test_query_counts.py`, the public power list in `powers/tests/test_query_counts.py`.)
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.orgs.demo_data import UNITS
from sunlight.orgs.models import Organisation, OrgKind
from sunlight.test import Personas, make_unit


class PortalQueryCountTests(Personas):
    def test_it_shows_the_home_page_in_the_same_queries_for_three_times_the_units(self) -> None:
        taken = set(Organisation.objects.values_list("name", flat=True))
        names = iter(u.name for u in UNITS if u.kind == OrgKind.DEPARTMENT.value and u.name not in taken)

        def shown() -> tuple[int, int]:
            self.client.get(reverse("home"))
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(reverse("home"))
            listed = response.content.decode().split('id="departments"')[1].split("</ul>")[0]
            return len(captured), listed.count("<li>")

        for _ in range(2):
            make_unit(next(names))
        few, departments = shown()
        for _ in range(4):
            make_unit(next(names))
        self.assertEqual(shown(), (few, departments + 4))
