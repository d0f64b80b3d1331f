"""Query-count guards: a case's pages and its hot actions read in fixed queries.

A case with one step and a case with three are shown to staff, to the public and in the ledger
trail in the same number of queries; starting a case and completing a step cost the same
whether the district has a few cases or three times as many. An N+1 query fails here.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.cases import actions
from sunlight.cases.models import Case
from sunlight.cases.tests.factories import document, published, start
from sunlight.processes.models import ProcessDefinition
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
# The ledger append that completes a block of 16 leaves reads the block's leaf hashes (and the
# stored nodes beside it) and inserts the nodes it completes: two queries the other 15 appends
# do not make. They depend on the ledger's size, not on the rows of the action, so the action
# guards leave them out.
BLOCK_QUERIES = ("SELECT -1, seq, leaf_hash FROM ledger_leaf", "INSERT INTO ledger_node")


def counted(captured: CaptureQueriesContext) -> int:
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith(BLOCK_QUERIES))


@time_machine.travel(MONDAY, tick=False)
class CasesQueryCountTests(Personas):
    def setUp(self) -> None:
        self.definition = published()

    def opened(self) -> tuple[Case, str]:
        """A case at its first step: one step."""
        return start(self.as_actor(self.clerk), self.definition)

    def advanced(self) -> tuple[Case, str]:
        """A case at the leader's decision: three steps, three leaves."""
        case, code = self.opened()
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        return case, code

    def get(self, url: str, marker: str, rows: int) -> int:
        """Queries of one GET of `url` (after a warming one), which shows `marker` `rows` times."""
        self.client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertContains(response, marker, count=rows)
        return len(captured)

    def test_it_lists_the_processes_a_clerk_can_start_in_the_same_queries_for_three_times_as_many(
        self,
    ) -> None:
        def add(count: int) -> None:
            first = ProcessDefinition.objects.count()
            for n in range(first, first + count):
                published(document(code=f"CZJ-T{n:03d}", name=f"财政测试流程{n}"))

        self.login(self.clerk)
        url = reverse("cases:new")
        add(1)  # and the one of setUp
        few = self.get(url, "<li><article>", 2)
        add(4)
        self.assertEqual(self.get(url, "<li><article>", 6), few)

    def test_it_shows_a_case_to_staff_in_the_same_queries_for_three_times_the_steps(self) -> None:
        one, _code = self.opened()
        three, _code = self.advanced()
        # The section chief acts in neither case's open step: both pages show the same parts.
        self.login(self.chief)
        few = self.get(reverse("cases:detail", args=[one.number]), "<tr><td>", 1)
        self.assertEqual(self.get(reverse("cases:detail", args=[three.number]), "<tr><td>", 3), few)

    def test_it_shows_a_trail_to_inspectors_in_the_same_queries_for_three_times_the_leaves(self) -> None:
        one, _code = self.opened()
        three, _code = self.advanced()
        self.login(self.inspector, verified=True)

        def url(case: Case) -> str:
            return reverse("ledger:trail", args=["cases.case", case.pk])

        # Each reading of a trail is itself a leaf of that trail: the warming read adds one.
        few = self.get(url(one), '<span class="muted mono">#', 2)
        self.assertEqual(self.get(url(three), '<span class="muted mono">#', 4), few)

    def test_it_answers_the_public_query_in_the_same_queries_for_three_times_the_steps(self) -> None:
        url = reverse("portal:query")

        def ask(case: Case, code: str, steps: int) -> int:
            self.client.post(url, {"number": case.number, "code": code})
            with CaptureQueriesContext(connection) as captured:
                response = self.client.post(url, {"number": case.number, "code": code})
            self.assertEqual(response.status_code, 200)
            listed = response.content.decode().split('<ol id="query-steps">')[1].split("</ol>")[0]
            self.assertEqual(listed.count("<li>"), steps)
            return len(captured)

        few = ask(*self.opened(), 1)
        self.assertEqual(ask(*self.advanced(), 3), few)

    def test_it_starts_a_case_in_the_same_queries_with_three_times_the_cases(self) -> None:
        def started() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.opened()
            return counted(captured)

        for _ in range(2):
            self.advanced()
        started()  # the first start warms the caches (posts, calendar)
        few = started()
        for _ in range(4):
            self.advanced()
        self.assertEqual(started(), few)

    def test_it_completes_a_step_in_the_same_queries_with_three_times_the_cases(self) -> None:
        def completed() -> int:
            case, _code = self.opened()
            with CaptureQueriesContext(connection) as captured:
                actions.complete_step(
                    self.as_actor(self.clerk), case.steps.get(), values={"amount": 1, "copies": 1}
                )
            return counted(captured)

        for _ in range(2):
            self.advanced()
        completed()
        few = completed()
        for _ in range(4):
            self.advanced()
        self.assertEqual(completed(), few)
