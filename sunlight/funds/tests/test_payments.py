import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.checkpoints.builtin import (
    FUND_CONTRACT,
    FUND_DATE,
    FUND_DUPLICATE,
    FUND_MILESTONE,
    FUND_PROGRESS,
)
from sunlight.checkpoints.engine import CheckpointBlocked
from sunlight.funds import actions, payments
from sunlight.funds.models import Contract, PaymentRequest, ProgressMeasurement, RequestState
from sunlight.funds.tests.factories import TODAY, YUAN, WaterFunds, make_active_contract
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused

PRICE = 10_000_000 * YUAN


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class PaymentTests(WaterFunds):
    def setUp(self) -> None:
        self.contract = make_active_contract(self, price_fen=PRICE)
        self.milestones = list(self.contract.milestones.order_by("number"))

    def progress(self, bp: int, contract: Contract | None = None) -> ProgressMeasurement:
        measurement = actions.submit_progress(
            Actor.of(self.pm),
            contract or self.contract,
            progress_bp=bp,
            measured_on=dt.date(2026, 6, 10),
            description="主体工程完成量经现场计量",
        )
        return actions.confirm_progress(Actor.of(self.supervisor), measurement, confirm=True)

    def request(self, amount_fen: int, milestone: int = 2, invoice: str = "43002601") -> PaymentRequest:
        return payments.request_payment(
            Actor.of(self.pm),
            self.contract,
            milestone=self.milestones[milestone - 1],
            amount_fen=amount_fen,
            invoice_number=invoice,
        )

    def pay(self, request: PaymentRequest, voucher: str = "记-2026-0601") -> None:
        payments.decide_payment(Actor.of(self.deputy), request, approve=True, comment="同意")
        payments.decide_payment(Actor.of(self.director), request, approve=True, comment="同意")
        payments.record_payment(Actor.of(self.cashier), request, voucher_number=voucher)

    def assert_blocked_by(self, code: str, amount_fen: int, **kwargs: object) -> None:
        with self.assertRaises(CheckpointBlocked) as caught:
            self.request(amount_fen, **kwargs)  # type: ignore[arg-type]
        message = str(caught.exception.message)
        self.assertIn(code, message)
        self.assertIn("Basis:", message)  # names the rule's legal basis
        blocked = PaymentRequest.objects.filter(state=RequestState.BLOCKED).latest("pk")
        self.assertTrue(
            Leaf.objects.filter(
                action="refused", object_type="funds.paymentrequest", object_id=str(blocked.pk)
            ).exists()
        )
        alarm = Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED).latest("pk")
        self.assertEqual(alarm.subject_id, str(blocked.pk))

    def test_it_pays_within_progress_date_and_milestone(self) -> None:
        self.progress(6500)
        request = self.request(2_000_000 * YUAN)
        self.pay(request)
        request.refresh_from_db()
        self.assertEqual(request.state, RequestState.PAID)
        self.assertEqual(self.contract.paid_fen(), 2_000_000 * YUAN)
        self.assertTrue(request.checkpoint["rules"])

    def test_it_pays_exactly_up_to_the_confirmed_progress(self) -> None:
        self.progress(4000)
        self.assertEqual(self.request(4_000_000 * YUAN).state, RequestState.PENDING)

    def test_it_blocks_a_payment_beyond_confirmed_progress(self) -> None:
        self.progress(4000)
        self.assert_blocked_by(FUND_PROGRESS, 4_000_000 * YUAN + 1)

    def test_it_does_not_count_an_unconfirmed_measurement(self) -> None:
        actions.submit_progress(
            Actor.of(self.pm),
            self.contract,
            progress_bp=9000,
            measured_on=dt.date(2026, 6, 10),
            description="自报",
        )
        self.assert_blocked_by(FUND_PROGRESS, 100 * YUAN)

    def test_it_blocks_a_payment_before_its_date(self) -> None:
        self.progress(9700)
        self.assert_blocked_by(FUND_DATE, 100 * YUAN, milestone=3)  # 竣工验收: not before 2026-12-01

    def test_it_blocks_a_payment_over_its_milestone(self) -> None:
        self.progress(9000)
        self.assertEqual(self.request(6_000_000 * YUAN).state, RequestState.PENDING)  # 60.00%
        self.assert_blocked_by(FUND_MILESTONE, 1, invoice="43002602")

    def test_it_blocks_a_duplicate_payment(self) -> None:
        self.progress(6000)
        self.pay(self.request(1_000_000 * YUAN))
        self.assert_blocked_by(FUND_DUPLICATE, 500_000 * YUAN)  # same invoice number
        self.assert_blocked_by(
            FUND_DUPLICATE, 1_000_000 * YUAN, invoice="43002699"
        )  # same milestone and amount

    def test_it_checks_again_at_the_final_approval(self) -> None:
        self.progress(3000)
        request = self.request(3_000_000 * YUAN)
        payments.decide_payment(Actor.of(self.deputy), request, approve=True)
        # The rule is tightened (a 10% retention) before the director approves.
        from sunlight.checkpoints import actions as rule_actions
        from sunlight.checkpoints.models import Rule
        from sunlight.test import system

        rule = Rule.objects.get(code=FUND_PROGRESS)
        version = rule.versions.get()
        rule_actions.revise_rule(
            system(),
            rule,
            note="质保金从严",
            name=version.name,
            expression="(paid_fen + pending_fen + payment.amount_fen) * 10000 <= contract.price_fen * progress_bp * 9 / 10",
            message=version.message,
            legal_basis=version.legal_basis,
            severity=version.severity,
            effective_from=dt.date(2026, 6, 15),
            effective_until=None,
            params={},
        )
        request.refresh_from_db()
        with self.assertRaises(CheckpointBlocked):
            payments.decide_payment(Actor.of(self.director), request, approve=True)
        request.refresh_from_db()
        self.assertEqual(request.state, RequestState.BLOCKED)
        outcome = next(r for r in request.checkpoint["rules"] if r["code"] == FUND_PROGRESS)
        self.assertEqual((outcome["version"], outcome["passed"]), (2, False))

    def test_it_blocks_payment_on_a_contract_that_is_not_active(self) -> None:
        draft = actions.create_contract(
            Actor.of(self.pm),
            self.contract.project,
            code="SWJ-HT-2026-009",
            title="监理合同",
            kind="supervision",
            counterparty=self.contract.counterparty,
            counterparty_code=self.contract.counterparty_code,
            price_fen=100_000 * YUAN,
            signed_on=dt.date(2026, 3, 1),
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 12, 31),
            integrity_number="LJ-9",
        )
        milestone = actions.add_milestone(
            Actor.of(self.pm), draft, name="进场", earliest_on=dt.date(2026, 3, 1), max_share_bp=3000
        )
        with self.assertRaises(CheckpointBlocked) as caught:
            payments.request_payment(
                Actor.of(self.pm), draft, milestone=milestone, amount_fen=100, invoice_number="1"
            )
        self.assertIn(FUND_CONTRACT, str(caught.exception.message))

    def test_it_needs_the_supervising_post_to_confirm_progress(self) -> None:
        measurement = actions.submit_progress(
            Actor.of(self.pm),
            self.contract,
            progress_bp=5000,
            measured_on=dt.date(2026, 6, 10),
            description="计量",
        )
        with self.assertRaises(Refused):
            actions.confirm_progress(Actor.of(self.pm), measurement, confirm=True)
        with self.assertRaises(Refused):
            actions.confirm_progress(Actor.of(self.deputy), measurement, confirm=True)
        self.assertEqual(self.contract.confirmed_progress_bp(), 0)

    def test_it_keeps_payment_approvals_to_the_designated_posts(self) -> None:
        self.progress(6000)
        request = self.request(1_000_000 * YUAN)
        with self.assertRaises(Refused):
            payments.decide_payment(Actor.of(self.cashier), request, approve=True)
        with self.assertRaises(Refused):
            payments.decide_payment(Actor.of(self.director), request, approve=True)  # step 2, not 1
        with self.assertRaises(ValidationError):
            payments.record_payment(Actor.of(self.cashier), request, voucher_number="记-1")  # not approved
        with self.assertRaises(Refused):
            payments.record_payment(Actor.of(self.pm), request, voucher_number="记-1")

    def test_it_refuses_a_payment_request_from_another_unit(self) -> None:
        with self.assertRaises(Refused):
            payments.request_payment(
                Actor.of(self.clerk),
                self.contract,
                milestone=self.milestones[0],
                amount_fen=100,
                invoice_number="1",
            )
        self.assertFalse(PaymentRequest.objects.exists())
