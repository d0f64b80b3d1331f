import datetime as dt
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.checkpoints import actions
from sunlight.checkpoints.builtin import RIVER_WORKS, install_benchmark
from sunlight.checkpoints.models import Benchmark, DecisionState, PenaltyDecision
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import PostKind
from sunlight.test import Personas, assign, make_person, make_post, system

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
WAN = 10_000_00
FACTS = {"area_m2": "250", "obstructs_flood": False, "repeat": False, "corrected": True}  # 较重: 4万–7万


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class PenaltyDecisionTests(Personas):
    benchmark: Benchmark
    water_head: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.water_head = make_person("waterhead", "曾国平")
        assign(cls.water_head, make_post(cls.water, PostKind.HEAD, "SWJ-HD01", "局长"))
        cls.benchmark = install_benchmark(system(), RIVER_WORKS, cls.water)

    def decide(self, amount_fen: int, justification: str = "", **facts: Any) -> PenaltyDecision:
        return actions.decide_penalty(
            self.as_actor(self.outsider),  # the water bureau's window clerk
            self.benchmark,
            facts=FACTS | facts,
            amount_fen=amount_fen,
            case_reference="望水罚〔2026〕7号",
            justification=justification,
        )

    def test_it_records_a_fine_within_the_range(self) -> None:
        decision = self.decide(5 * WAN)
        self.assertEqual(decision.state, DecisionState.WITHIN_RANGE)
        self.assertEqual(decision.row.grade, "serious")
        leaf = Leaf.objects.get(action="checkpoints.decide_penalty")
        self.assertIn("《中华人民共和国水法》第六十五条第一款", leaf.data)

    def test_it_refuses_a_fine_outside_the_range_without_a_justification(self) -> None:
        with self.assertRaises(Refused) as caught:
            self.decide(7 * WAN + 1)
        self.assertIn("70,000.01 元", str(caught.exception.message))
        self.assertIn("40,000.00 元 – 70,000.00 元", str(caught.exception.message))
        self.assertFalse(PenaltyDecision.objects.exists())
        self.assertEqual(Alarm.objects.get().kind, AlarmKind.CHECKPOINT_BLOCKED)

    def test_it_flags_an_approved_deviation_to_inspectors(self) -> None:
        decision = self.decide(3 * WAN, justification="当事人主动拆除并配合调查，集体讨论决定减轻处罚")
        self.assertEqual(decision.state, DecisionState.AWAITING_HEAD)
        with self.assertRaises(Refused):
            actions.review_deviation(
                self.as_actor(self.head), decision, approve=True, comment="同意"
            )  # not SWJ
        actions.review_deviation(
            self.as_actor(self.water_head), decision, approve=True, comment="经集体讨论同意"
        )
        decision.refresh_from_db()
        self.assertEqual(decision.state, DecisionState.DEVIATION_APPROVED)
        alarm = Alarm.objects.get(kind=AlarmKind.OTHER)
        self.assertEqual(
            (alarm.level, alarm.unit, alarm.subject_id), (AlarmLevel.YELLOW, self.water, str(decision.pk))
        )
        self.login(self.inspector, verified=True)
        response = self.client.get(reverse("checkpoints:benchmark", args=[self.benchmark.code]))
        self.assertContains(response, "望水罚〔2026〕7号")

    def test_it_lets_the_head_refuse_a_deviation(self) -> None:
        decision = self.decide(10 * WAN, justification="情节恶劣")
        actions.review_deviation(
            self.as_actor(self.water_head), decision, approve=False, comment="应在基准内裁量"
        )
        decision.refresh_from_db()
        self.assertEqual(decision.state, DecisionState.DEVIATION_REFUSED)
        self.assertFalse(Alarm.objects.filter(kind=AlarmKind.OTHER).exists())

    def test_it_refuses_staff_of_another_unit(self) -> None:
        with self.assertRaises(Refused):
            actions.decide_penalty(
                self.as_actor(self.clerk),
                self.benchmark,
                facts=FACTS,
                amount_fen=5 * WAN,
                case_reference="X",
            )
