import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.checkpoints import actions as rule_actions
from sunlight.checkpoints.builtin import CHANGE_CUMULATIVE, CHANGE_SINGLE
from sunlight.checkpoints.engine import CheckpointBlocked
from sunlight.checkpoints.models import Rule
from sunlight.funds import changes
from sunlight.funds.models import ChangeOrder, ChangeState, Contract
from sunlight.funds.tests.factories import TODAY, YUAN, WaterFunds, make_active_contract
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.test import make_unit, system


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class ChangeOrderTests(WaterFunds):
    def submit(self, contract: Contract, amount_fen: int, title: str = "堤身加高段设计变更") -> ChangeOrder:
        return changes.submit_change_order(
            Actor.of(self.pm), contract, title=title, reason="地质条件变化，需加深基础", amount_fen=amount_fen
        )

    def approve(self, change: ChangeOrder) -> ChangeOrder:
        changes.decide_change_order(Actor.of(self.deputy), change, approve=True, comment="同意")
        change.refresh_from_db()
        return changes.decide_change_order(Actor.of(self.director), change, approve=True, comment="同意")

    def test_it_passes_a_single_change_of_exactly_500000_yuan(self) -> None:
        contract = make_active_contract(self)
        change = self.submit(contract, 500_000 * YUAN)
        self.assertEqual(change.state, ChangeState.PENDING)
        self.assertTrue(all(rule["passed"] for rule in change.checkpoint["rules"]))

    def test_it_blocks_a_single_change_of_500000_yuan_and_one_fen(self) -> None:
        contract = make_active_contract(self)
        with self.assertRaises(CheckpointBlocked) as caught:
            self.submit(contract, 500_000 * YUAN + 1)
        message = str(caught.exception.message)
        self.assertIn(CHANGE_SINGLE, message)
        self.assertIn("500,000.00 元", message)  # the red line, from the rule's parameter
        self.assertIn("变更签证管理规定", message)  # the legal basis
        blocked = ChangeOrder.objects.get()
        self.assertEqual(blocked.state, ChangeState.BLOCKED)
        self.assertEqual(blocked.amount_fen, 50_000_001)
        # Recorded in the ledger and alarmed, with the change order as the subject.
        refusal = Leaf.objects.get(action="refused")
        self.assertEqual((refusal.object_type, refusal.object_id), ("funds.changeorder", str(blocked.pk)))
        self.assertIn('"code":"CHANGE-SINGLE"', refusal.data)
        alarm = Alarm.objects.get(kind=AlarmKind.CHECKPOINT_BLOCKED)
        self.assertEqual(alarm.level, AlarmLevel.RED)
        self.assertEqual((alarm.subject_type, alarm.subject_id), ("funds.changeorder", str(blocked.pk)))
        self.assertEqual(alarm.unit, self.water)

    def test_it_passes_cumulative_changes_of_exactly_20_percent(self) -> None:
        contract = make_active_contract(self, price_fen=2_500_000 * YUAN)
        self.approve(self.submit(contract, 300_000 * YUAN))
        second = self.submit(contract, 200_000 * YUAN)  # 500,000.00 / 2,500,000.00 = 20.00%
        self.assertEqual(second.state, ChangeState.PENDING)
        self.assertEqual(self.approve(second).state, ChangeState.APPROVED)

    def test_it_blocks_cumulative_changes_of_20_01_percent(self) -> None:
        contract = make_active_contract(self, price_fen=2_500_000 * YUAN)
        self.approve(self.submit(contract, 300_000 * YUAN))
        with self.assertRaises(CheckpointBlocked) as caught:
            self.submit(contract, 200_250 * YUAN)  # 500,250.00 / 2,500,000.00 = 20.01%
        self.assertIn(CHANGE_CUMULATIVE, str(caught.exception.message))
        self.assertIn("20.00%", str(caught.exception.message))
        self.assertNotIn(CHANGE_SINGLE, str(caught.exception.message))

    def test_it_counts_pending_changes_towards_the_cumulative_red_line(self) -> None:
        contract = make_active_contract(self, price_fen=2_500_000 * YUAN)
        self.submit(contract, 300_000 * YUAN)  # pending, not yet approved
        with self.assertRaises(CheckpointBlocked):
            self.submit(contract, 200_000 * YUAN + 1)

    def test_it_does_not_count_rejected_or_blocked_changes(self) -> None:
        contract = make_active_contract(self, price_fen=2_500_000 * YUAN)
        first = self.submit(contract, 300_000 * YUAN)
        changes.decide_change_order(Actor.of(self.deputy), first, approve=False, comment="依据不足")
        with self.assertRaises(CheckpointBlocked):
            self.submit(contract, 600_000 * YUAN)
        self.assertEqual(self.submit(contract, 500_000 * YUAN).state, ChangeState.PENDING)

    def test_it_honours_a_units_own_thresholds(self) -> None:
        single = Rule.objects.get(code=CHANGE_SINGLE)
        cumulative = Rule.objects.get(code=CHANGE_CUMULATIVE)
        reason = "本局党组会议决定从严控制"
        rule_actions.set_parameter(
            system(), single, unit=self.water, name="single_max_fen", value=300_000 * YUAN, reason=reason
        )
        rule_actions.set_parameter(
            system(), cumulative, unit=self.water, name="cumulative_max_bp", value=1000, reason=reason
        )
        contract = make_active_contract(self, price_fen=5_000_000 * YUAN)
        self.assertEqual(self.submit(contract, 300_000 * YUAN).state, ChangeState.PENDING)
        with self.assertRaises(CheckpointBlocked) as caught:
            self.submit(contract, 300_000 * YUAN + 1)
        self.assertIn("300,000.00 元", str(caught.exception.message))
        self.assertEqual(self.submit(contract, 200_000 * YUAN).state, ChangeState.PENDING)  # 10.00%
        with self.assertRaises(CheckpointBlocked) as caught:
            self.submit(contract, 1)  # 10.00% + 1 fen
        self.assertIn("10.00%", str(caught.exception.message))

    def test_it_keeps_the_district_red_line_for_other_units(self) -> None:
        single = Rule.objects.get(code=CHANGE_SINGLE)
        finance_rule = rule_actions.set_parameter(
            system(),
            single,
            unit=make_unit("区城投集团"),
            name="single_max_fen",
            value=100 * YUAN,
            reason="集团规定",
        )
        self.assertEqual(finance_rule.value, 100 * YUAN)
        contract = make_active_contract(self)
        self.assertEqual(self.submit(contract, 500_000 * YUAN).state, ChangeState.PENDING)

    def test_it_reports_the_money_saved_by_blocked_changes(self) -> None:
        contract = make_active_contract(self)
        for amount in (800_000 * YUAN, 1_200_000 * YUAN):
            with self.assertRaises(CheckpointBlocked):
                self.submit(contract, amount)
        self.submit(contract, 100_000 * YUAN)
        self.assertEqual(ChangeOrder.objects.money_saved_fen(), 2_000_000 * YUAN)

    def test_it_needs_the_units_approvers_in_order(self) -> None:
        contract = make_active_contract(self)
        change = self.submit(contract, 100_000 * YUAN)
        with self.assertRaises(Refused):  # step 1 belongs to the deputy, not the director
            changes.decide_change_order(Actor.of(self.director), change, approve=True)
        with self.assertRaises(Refused):  # the project manager holds no approver post
            changes.decide_change_order(Actor.of(self.pm), change, approve=True)
        with self.assertRaises(Refused):  # another unit's head
            changes.decide_change_order(Actor.of(self.head), change, approve=True)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count(), 3)
        self.assertEqual(self.approve(change).state, ChangeState.APPROVED)
        self.assertEqual(contract.approved_changes_fen(), 100_000 * YUAN)

    def test_it_refuses_a_change_order_by_someone_without_the_post(self) -> None:
        contract = make_active_contract(self)
        with self.assertRaises(Refused):
            changes.submit_change_order(
                Actor.of(self.outsider), contract, title="变更", reason="理由", amount_fen=100
            )
        self.assertFalse(ChangeOrder.objects.exists())

    def test_it_refuses_bad_input_without_changing_anything(self) -> None:
        contract = make_active_contract(self)
        with self.assertRaises(ValidationError) as caught:
            changes.submit_change_order(Actor.of(self.pm), contract, title="", reason="", amount_fen=0)
        self.assertEqual(set(caught.exception.message_dict), {"title", "reason", "amount_fen"})
        self.assertFalse(ChangeOrder.objects.exists())
