"""Query-count guards: the process pages read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

from django.urls import reverse

from sunlight.cases.tests.factories import document, published
from sunlight.processes.models import ProcessDefinition
from sunlight.test import Personas


class ProcessesQueryCountTests(Personas):
    def add(self, count: int, code: str = "") -> ProcessDefinition:
        first = ProcessDefinition.objects.count()
        for n in range(first, first + count):
            definition = published(document(code=code or f"CZJ-T{n:03d}", name=f"财政测试流程{n}"))
        return definition

    def test_it_lists_the_definitions_in_the_same_queries_for_three_times_as_many(self) -> None:
        self.login(self.clerk)
        url = reverse("processes:index")
        self.add(2)
        few = self.queries(url, '<td class="mono">CZJ-T', 2)
        self.add(4)
        self.assertEqual(self.queries(url, '<td class="mono">CZJ-T', 6), few)

    def test_it_shows_a_definition_in_the_same_queries_for_three_times_its_versions(self) -> None:
        self.login(self.clerk)
        self.add(2, code="CZJ-TEST")
        url = reverse("processes:detail", args=[ProcessDefinition.objects.latest("pk").pk])
        # Each version is listed, and the navigation links to the process list.
        few = self.queries(url, '<li><a href="/processes/', 3)
        self.add(4, code="CZJ-TEST")
        url = reverse("processes:detail", args=[ProcessDefinition.objects.latest("pk").pk])
        self.assertEqual(self.queries(url, '<li><a href="/processes/', 7), few)
