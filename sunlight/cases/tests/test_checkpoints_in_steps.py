import datetime as dt
from typing import Any

import time_machine
from django.core.exceptions import ValidationError

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.cases import actions
from sunlight.cases.models import CaseState, StepState
from sunlight.cases.tests.factories import document, published, start
from sunlight.checkpoints import actions as rule_actions
from sunlight.checkpoints.engine import NodeKind
from sunlight.checkpoints.kinds import Severity
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.processes import actions as process_actions
from sunlight.test import Personas, system


def with_checkpoint() -> dict[str, Any]:
    doc = document()
    for node in doc["nodes"]:
        if node["id"] == "decide":
            node["checkpoints"] = ["COPIES-LIMIT"]
    return doc


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False)
class CheckpointsInStepsTests(Personas):
    def setUp(self) -> None:
        rule_actions.create_rule(
            system(),
            code="COPIES-LIMIT",
            node_kind=NodeKind.ADMINISTRATIVE_APPROVAL,
            name="领购份数上限",
            expression="decision != 'approve' || case.data.copies <= 10",
            message="一次领购财政票据不得超过10份。",
            legal_basis="《财政票据管理办法》第二十一条",
            severity=Severity.BLOCK,
            effective_from=dt.date(2026, 1, 1),
            effective_until=None,
            params={},
        )

    def test_it_blocks_an_approval_that_breaks_the_rule_and_records_and_alarms_it(self) -> None:
        case, _code = start(self.as_actor(self.clerk), published(with_checkpoint()))
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 50}
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        decide = case.steps.get(node_id="decide")
        with self.assertRaises(Refused) as caught:
            actions.complete_step(self.as_actor(self.leader), decide, values={}, decision="approve")
        self.assertIn("COPIES-LIMIT", str(caught.exception.detail))
        self.assertIn("一次领购财政票据不得超过10份", caught.exception.message)
        decide.refresh_from_db()
        self.assertEqual(decide.state, StepState.ACTIVE)
        self.assertTrue(Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED, unit=self.finance).exists())
        self.assertIn("COPIES-LIMIT", Leaf.objects.filter(action="refused").latest("seq").data)
        # Refusing is not what the rule stops.
        actions.complete_step(
            self.as_actor(self.leader), decide, values={}, decision="refuse", reason="份数超限"
        )
        case.refresh_from_db()
        self.assertEqual(case.state, CaseState.REFUSED)

    def test_it_refuses_a_definition_naming_an_unknown_rule(self) -> None:
        doc = with_checkpoint()
        doc["nodes"][3]["checkpoints"] = ["NO-SUCH-RULE"]
        with self.assertRaises(ValidationError) as caught:
            process_actions.save_draft(system(), doc)
        self.assertIn("NO-SUCH-RULE", str(caught.exception))
