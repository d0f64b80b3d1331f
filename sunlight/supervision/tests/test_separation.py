"""Inspectors read everything in their jurisdiction and write only supervision records
(invariant 8): the business actions refuse them, and record the attempt."""

from __future__ import annotations

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.alarms.tests.factories import at
from sunlight.cases import actions as case_actions
from sunlight.cases.models import StepState
from sunlight.cases.tests.factories import published, start
from sunlight.funds import actions as fund_actions
from sunlight.funds import payments
from sunlight.funds.models import RequestState
from sunlight.funds.tests.factories import TODAY, WaterFunds, make_active_contract
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs import actions as org_actions


class InspectorSeparationTests(WaterFunds):
    def test_it_refuses_an_inspector_completing_a_step(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            step = case.steps.get(node_id="accept")
            with self.assertRaises(Refused):
                case_actions.complete_step(
                    self.as_actor(self.inspector), step, values={"amount": 1, "copies": 1}
                )
        step.refresh_from_db()
        self.assertEqual(step.state, StepState.ACTIVE)
        self.assertTrue(
            Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION, person=self.inspector).exists()
        )

    def test_it_refuses_an_inspector_approving_a_payment(self) -> None:
        import time_machine

        with time_machine.travel(TODAY, tick=False):
            contract = make_active_contract(self)
            measurement = fund_actions.submit_progress(
                Actor.of(self.pm), contract, progress_bp=6000, measured_on=TODAY.date(), description="计量"
            )
            fund_actions.confirm_progress(Actor.of(self.supervisor), measurement, confirm=True)
            request = payments.request_payment(
                Actor.of(self.pm),
                contract,
                milestone=contract.milestones.get(number=2),
                amount_fen=100_000,
                invoice_number="43009901",
            )
            with self.assertRaises(Refused):
                payments.decide_payment(self.as_actor(self.inspector), request, approve=True, comment="同意")
        request.refresh_from_db()
        self.assertEqual(request.state, RequestState.PENDING)

    def test_it_refuses_an_inspector_changing_an_organisation(self) -> None:
        with self.assertRaises(Refused):
            org_actions.update_organisation(
                self.as_actor(self.inspector),
                self.finance,
                name="区财政局（改）",
                abbr=self.finance.abbr,
                sort=1,
                is_active=True,
                reason="试图修改",
            )
        self.finance.refresh_from_db()
        self.assertEqual(self.finance.name, "区财政局")
