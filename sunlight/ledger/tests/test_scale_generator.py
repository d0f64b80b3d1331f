"""`generatescale`: copies of real cases and their leaves, a ledger that verifies, top-ups."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from sunlight.cases import actions
from sunlight.cases.models import Case, CaseState, Step, StepState
from sunlight.cases.tests.factories import published, start
from sunlight.ledger import merkle
from sunlight.ledger.actions import size as ledger_size
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Checkpoint, Leaf, Node
from sunlight.ledger.tree import BLOCK_LEVEL
from sunlight.ledger.verification import verify_ledger
from sunlight.management.commands.generatescale import query_code
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def generate(cases: int, leaves: int) -> str:
    out = io.StringIO()
    call_command(
        "generatescale",
        cases=cases,
        leaves=leaves,
        per_day=10,
        checkpoint_every=5000,
        no_demo=True,
        stdout=out,
    )
    return out.getvalue()


class ScaleGeneratorTests(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Three real cases to copy, through the actions: approved, refused, still open.
        with time_machine.travel(MONDAY, tick=False):
            definition = published()
            for decision in ("approve", "refuse", ""):
                case, _code = start(Actor.of(cls.clerk), definition)
                actions.complete_step(
                    Actor.of(cls.clerk), case.steps.get(node_id="accept"), values={"amount": 100, "copies": 1}
                )
                if not decision:
                    continue
                actions.complete_step(Actor.of(cls.chief), case.steps.get(node_id="review"), values={})
                actions.complete_step(
                    Actor.of(cls.leader),
                    case.steps.get(node_id="decide"),
                    values={},
                    decision=decision,
                    reason="不符合条件" if decision == "refuse" else "",
                )
                if decision == "approve":
                    actions.complete_step(Actor.of(cls.clerk), case.steps.get(node_id="issue"), values={})

    def test_it_grows_cases_steps_and_leaves_and_the_ledger_verifies(self) -> None:
        steps_before = Step.objects.count()
        output = generate(2000, 20_000)
        self.assertEqual(Case.objects.count(), 2000)
        self.assertEqual(ledger_size(), 20_000)
        self.assertEqual(Leaf.objects.count(), 20_000)
        self.assertIn("rows/s", output)
        # Every copy has its template's steps: 1, 4 or 5 of them, one active per open case.
        self.assertGreater(Step.objects.count(), steps_before + 3 * 1997)
        self.assertEqual(
            Step.objects.filter(state=StepState.ACTIVE).count(),
            Case.objects.filter(state=CaseState.RUNNING).count(),
        )
        self.assertFalse(Step.objects.filter(posts__isnull=True).exists())
        self.assertEqual(Case.objects.values("number").distinct().count(), 2000)
        report = verify_ledger()
        self.assertTrue(report.ok, report.summary())
        self.assertEqual(report.size, 20_000)
        self.assertGreaterEqual(Checkpoint.objects.count(), 4)

    def test_it_stores_the_tree_that_appending_leaf_by_leaf_stores(self) -> None:
        generate(300, 4000)
        memory = merkle.MemoryNodeStore(lowest=BLOCK_LEVEL)
        for seq, data in Leaf.objects.order_by("seq").values_list("seq", "data"):
            memory.append(seq, data.encode("utf-8"))
        stored = {(n.level, n.index): bytes(n.hash) for n in Node.objects.all()}
        self.assertEqual(stored, memory.nodes)

    def test_it_spreads_copies_back_in_time_and_keeps_the_last_ones_open(self) -> None:
        generate(600, 6000)
        copies = Case.objects.order_by("pk")[3:]
        oldest = copies.first()
        assert oldest is not None
        self.assertLess(oldest.started_at, MONDAY - dt.timedelta(days=7))
        self.assertEqual(oldest.started_at.weekday(), MONDAY.weekday())  # moved by whole weeks
        self.assertTrue(Case.objects.filter(state=CaseState.RUNNING).count() > 1)
        leaf = Leaf.objects.filter(object_id=str(oldest.pk), action="cases.start").get()
        self.assertEqual(leaf.recorded_at, oldest.started_at)
        self.assertIn(f'"applicant":{oldest.applicant_id}', leaf.data)
        self.assertIn(f'"due_date":[null,"{oldest.due_date.isoformat()}"]', leaf.data)

    def test_it_gives_copies_numbers_query_codes_and_applicants_of_their_own(self) -> None:
        generate(50, 1000)
        copy = Case.objects.order_by("-pk").first()
        assert copy is not None
        self.assertTrue(actions.query_code_matches(copy, query_code(copy.number)))
        copies = Case.objects.order_by("pk")[3:]
        self.assertEqual(len({c.applicant_id for c in copies}), 47)
        # The unit's counter moved past the copies: the next real case gets a fresh number.
        with time_machine.travel(MONDAY, tick=False):
            case, _code = start(Actor.of(self.clerk), Case.objects.first().definition)  # type: ignore[union-attr]
        self.assertEqual(Case.objects.filter(number=case.number).count(), 1)

    def test_it_only_tops_up(self) -> None:
        generate(100, 2000)
        again = generate(100, 2000)
        self.assertIn("already at scale", again)
        generate(120, 2500)
        self.assertEqual((Case.objects.count(), Leaf.objects.count()), (120, 2500))
        self.assertTrue(verify_ledger().ok)
