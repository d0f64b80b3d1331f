"""Alarms read from completed steps in the ledger: refusals without reasons, township steps
forwarded late, fees that do not match the power's standard."""

from __future__ import annotations

from sunlight.accounts.models import User
from sunlight.alarms.follower import fee_matches, follow
from sunlight.alarms.models import Alarm, AlarmKind, AlarmState
from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at, make_township, township_process
from sunlight.cases import actions
from sunlight.cases.models import Case
from sunlight.cases.tests.factories import PERMIT, document, published, start
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import Organisation
from sunlight.powers.tests.helpers import draft, publish
from sunlight.test import Personas


class LedgerFollowerTests(Personas):
    township: Organisation
    township_clerk: User

    def decide(self, case: Case, reason: str) -> None:
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 100, "copies": 1}
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        actions.complete_step(
            self.as_actor(self.leader),
            case.steps.get(node_id="decide"),
            values={},
            decision="refuse",
            reason=reason,
        )

    def test_it_alarms_a_refusal_without_real_reasons(self) -> None:
        definition = published()
        with at("2026-11-02"):
            short, _code = start(self.as_actor(self.clerk), definition)
            self.decide(short, "不同意")
            reasoned, _code = start(self.as_actor(self.clerk), definition)
            self.decide(reasoned, "申请材料不符合法定形式，且未按要求补正")
            self.assertEqual(follow(), 1)
            self.assertEqual(follow(), 0)
        alarm = Alarm.objects.get()
        self.assertEqual(
            (alarm.kind, alarm.unit, alarm.person),
            (AlarmKind.REFUSED_WITHOUT_REASONS, self.finance, self.leader),
        )
        self.assertEqual(alarm.subject_id, str(short.pk))

    def test_it_alarms_a_township_step_completed_late_once(self) -> None:
        make_township(self)
        definition = township_process()
        with at("2026-11-02"):
            late, _code = start(self.as_actor(self.township_clerk), definition, intake=self.township)
            start(self.as_actor(self.township_clerk), definition, intake=self.township)  # stays overdue
        with at("2026-11-04"):
            self.assertEqual(sweep(), 2)  # both are overdue at the township
        with at("2026-11-05"):
            actions.complete_step(
                self.as_actor(self.township_clerk), late.steps.get(node_id="accept"), values={}
            )
            self.assertEqual(follow(), 0)  # the sweep's alarm has the same key
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.TOWNSHIP_FORWARDED_LATE).count(), 2)
        with at("2026-11-02"):
            third, _code = start(self.as_actor(self.township_clerk), definition, intake=self.township)
        with at("2026-11-06"):  # completed late without any sweep in between
            actions.complete_step(
                self.as_actor(self.township_clerk), third.steps.get(node_id="accept"), values={}
            )
            self.assertEqual(follow(), 1)
        alarm = Alarm.objects.get(subject_id=str(third.steps.get(node_id="accept").pk))
        self.assertEqual(
            (alarm.kind, alarm.unit, alarm.person),
            (AlarmKind.TOWNSHIP_FORWARDED_LATE, self.township, self.township_clerk),
        )

    def test_it_alarms_a_fee_that_is_not_the_power_s_standard(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance, code="CZJ-XK-0001")  # 工本费 10.50 元
        publish(self.as_actor(self.leader), self.inspector, version)
        nodes = [dict(n) for n in PERMIT["nodes"]]
        nodes[1]["form"] = [
            *nodes[1]["form"],
            {"name": "fee", "label": "收费", "type": "money", "required": True},
        ]
        definition = published(document(power="CZJ-XK-0001", nodes=nodes))
        with at("2026-11-02"):
            for fee in (1050, 2000):
                case, _code = start(self.as_actor(self.clerk), definition)
                actions.complete_step(
                    self.as_actor(self.clerk),
                    case.steps.get(node_id="accept"),
                    values={"amount": 100, "copies": 1, "fee": fee},
                )
            self.assertEqual(follow(), 1)
        alarm = Alarm.objects.get(kind=AlarmKind.FEE_MISMATCH)
        self.assertIn("20.00", alarm.message)
        self.assertEqual(alarm.detail["standard_fen"], [1050])

    def test_it_resolves_the_warning_of_work_done_and_keeps_red_cards(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            other, _code = start(self.as_actor(self.clerk), published())
            self.assertEqual(sweep(), 2)  # two window steps due tomorrow
        with at("2026-11-04"):
            self.assertEqual(sweep(), 2)  # and now overdue
            actions.complete_step(
                self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
            )
            actions.withdraw_case(self.as_actor(self.clerk), other, reason="申请人撤回")
            follow()
        states = dict(Alarm.objects.values_list("dedupe_key", "state"))
        done, withdrawn = case.steps.get(node_id="accept").pk, other.steps.get(node_id="accept").pk
        self.assertEqual(states[f"step-yellow:{done}"], AlarmState.CLOSED)
        self.assertEqual(states[f"step-yellow:{withdrawn}"], AlarmState.CLOSED)
        self.assertEqual(states[f"step-red:{done}"], AlarmState.RAISED)  # the disposal decides
        self.assertEqual(Leaf.objects.filter(action="alarms.resolve").count(), 2)

    def test_it_compares_fees_with_the_fixed_standard(self) -> None:
        self.assertTrue(fee_matches(1050, [1050]))
        self.assertTrue(fee_matches(1550, [1050, 500]))
        self.assertFalse(fee_matches(1000, [1050, 500]))
        self.assertTrue(fee_matches(0, []))
        self.assertFalse(fee_matches(100, []))
