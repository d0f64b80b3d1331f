import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from sunlight.funds import actions
from sunlight.funds.models import Contract, ContractState, FundRole, IntegrityContract
from sunlight.funds.tests.factories import CONTRACTOR_CODE, TODAY, YUAN, WaterFunds, make_project
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import PostKind
from sunlight.test import make_post, system


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class ContractTests(WaterFunds):
    def draft(self, code: str = "SWJ-HT-2026-001") -> Contract:
        contract = actions.create_contract(
            Actor.of(self.pm),
            make_project(self.pm, self.water),
            code=code,
            title="堤防加固工程施工合同",
            kind="construction",
            counterparty="湖南望城水利水电建设有限公司",
            counterparty_code=CONTRACTOR_CODE,
            price_fen=8_000_000 * YUAN,
            signed_on=dt.date(2026, 2, 20),
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 12, 31),
            integrity_number="SWJ-LJ-2026-001",
        )
        actions.add_milestone(
            Actor.of(self.pm), contract, name="预付款", earliest_on=dt.date(2026, 3, 1), max_share_bp=1000
        )
        return contract

    def test_it_keeps_the_integrity_contract_with_the_project(self) -> None:
        contract = self.draft()
        integrity = IntegrityContract.objects.get()
        self.assertEqual((integrity.project, integrity.contract), (contract.project, contract))
        self.assertFalse(integrity.signed_by_both)

    def test_it_cannot_activate_a_contract_without_a_signed_integrity_contract(self) -> None:
        contract = self.draft()
        with self.assertRaises(ValidationError):
            actions.activate_contract(Actor.of(self.pm), contract)
        actions.sign_integrity_for_unit(Actor.of(self.director), contract)
        with self.assertRaises(ValidationError):  # the contractor has not signed yet
            actions.activate_contract(Actor.of(self.pm), contract)
        contract.refresh_from_db()
        self.assertEqual(contract.state, ContractState.DRAFT)
        actions.record_contractor_signature(
            Actor.of(self.pm), contract, signatory="刘振华", signed_on=dt.date(2026, 2, 20)
        )
        actions.activate_contract(Actor.of(self.pm), contract)
        contract.refresh_from_db()
        self.assertEqual(contract.state, ContractState.ACTIVE)
        self.assertTrue(Leaf.objects.filter(action="funds.activate_contract").exists())

    def test_it_lets_only_a_leader_of_the_unit_sign_for_it(self) -> None:
        contract = self.draft()
        for person in (self.pm, self.supervisor, self.head):  # head of another unit
            with self.assertRaises(Refused):
                actions.sign_integrity_for_unit(Actor.of(person), contract)
        actions.sign_integrity_for_unit(Actor.of(self.deputy), contract)

    def test_it_needs_a_schedule_that_never_goes_back(self) -> None:
        contract = self.draft()
        with self.assertRaises(ValidationError) as caught:
            actions.add_milestone(
                Actor.of(self.pm), contract, name="进度款", earliest_on=dt.date(2026, 2, 1), max_share_bp=500
            )
        self.assertEqual(set(caught.exception.message_dict), {"earliest_on", "max_share_bp"})
        with self.assertRaises(ValidationError):
            actions.add_milestone(
                Actor.of(self.pm), contract, name="超额", earliest_on=dt.date(2026, 6, 1), max_share_bp=10_001
            )

    def test_it_checks_the_contractor_and_dates(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.create_contract(
                Actor.of(self.pm),
                make_project(self.pm, self.water),
                code="SWJ-HT-2026-002",
                title="合同",
                kind="construction",
                counterparty="某公司",
                counterparty_code="91430112MA4L00010X",
                price_fen=0,
                signed_on=dt.date(2026, 7, 1),
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 2, 1),
                integrity_number="",
            )
        self.assertEqual(
            set(caught.exception.message_dict),
            {"counterparty_code", "price_fen", "signed_on", "ends_on", "integrity_number"},
        )

    def test_it_refuses_projects_from_people_without_the_designated_post(self) -> None:
        with self.assertRaises(Refused):
            make_project(self.outsider, self.water)  # a window clerk of the same unit
        with self.assertRaises(Refused):
            make_project(self.pm, self.finance)  # another unit

    def test_it_lets_admins_designate_only_fitting_posts_of_the_unit(self) -> None:
        with self.assertRaises(ValidationError):
            actions.designate_post(system(), unit=self.water, role=FundRole.SUPERVISOR, post=self.pm_post)
        with self.assertRaises(ValidationError):
            actions.designate_post(
                system(), unit=self.water, role=FundRole.PROJECT_MANAGER, post=self.window_post
            )
        with self.assertRaises(Refused):
            actions.designate_post(
                Actor.of(self.director),
                unit=self.water,
                role=FundRole.PROJECT_MANAGER,
                post=make_post(self.water, PostKind.CLERK, "SWJ-CK19", "项目管理岗"),
            )
