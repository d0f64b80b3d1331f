import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.funds.models import ChangeOrder, ChangeState, FundPost, FundRole, PaymentRequest, RequestState
from sunlight.funds.tests.factories import TODAY, WaterFunds, make_active_contract, make_project
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import PostKind
from sunlight.test import assign, make_person, make_post


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class FundPageTests(WaterFunds):
    def setUp(self) -> None:
        self.contract = make_active_contract(self)
        self.contract_url = reverse("funds:contract", args=[self.contract.pk])

    def submit_change(self, amount: str) -> Any:
        self.login(self.pm)
        return self.client.post(
            reverse("funds:change_submit", args=[self.contract.pk]),
            {"title": "护岸结构设计变更", "amount_fen": amount, "reason": "现场地质与勘察不符"},
        )

    def test_it_passes_a_change_order_at_the_red_line_from_the_page(self) -> None:
        response = self.submit_change("500,000.00")
        self.assertRedirects(response, self.contract_url)
        self.assertEqual(ChangeOrder.objects.get().state, ChangeState.PENDING)

    def test_it_shows_the_red_line_message_when_a_change_order_is_blocked(self) -> None:
        response = self.submit_change("500000.01")
        self.assertContains(response, "CHANGE-SINGLE", status_code=403)
        self.assertContains(response, "单项变更金额超过 500,000.00 元 的红线", status_code=403)
        self.assertContains(response, "区水务局变更签证管理规定", status_code=403)
        self.assertEqual(ChangeOrder.objects.get().state, ChangeState.BLOCKED)

    def test_it_puts_bad_amounts_back_on_the_form(self) -> None:
        response = self.submit_change("50万")
        self.assertContains(response, "at most two decimals")
        self.assertFalse(ChangeOrder.objects.exists())

    def test_it_lets_the_approvers_decide_from_the_page(self) -> None:
        self.submit_change("120000")
        change = ChangeOrder.objects.get()
        for person in (self.deputy, self.director):
            self.login(person)
            self.assertContains(
                self.client.get(self.contract_url), reverse("funds:change_decide", args=[change.pk])
            )
            self.client.post(
                reverse("funds:change_decide", args=[change.pk]), {"approve": "1", "comment": "同意"}
            )
        change.refresh_from_db()
        self.assertEqual(change.state, ChangeState.APPROVED)

    def test_it_runs_a_payment_through_the_pages(self) -> None:
        self.login(self.pm)
        self.client.post(
            reverse("funds:progress_submit", args=[self.contract.pk]),
            {"progress_bp": "35.5", "measured_on": "2026-06-10", "description": "堤身填筑完成计量"},
        )
        self.login(self.supervisor)
        measurement = self.contract.measurements.get()
        self.client.post(
            reverse("funds:progress_decide", args=[measurement.pk]), {"approve": "1", "comment": ""}
        )
        self.assertEqual(self.contract.confirmed_progress_bp(), 3550)
        self.login(self.pm)
        milestone = self.contract.milestones.get(number=2)
        response = self.client.post(
            reverse("funds:payment_request", args=[self.contract.pk]),
            {"milestone": milestone.pk, "amount_fen": "3550000.01", "invoice_number": "43002601"},
        )
        self.assertContains(response, "FUND-PROGRESS", status_code=403)
        self.client.post(
            reverse("funds:payment_request", args=[self.contract.pk]),
            {"milestone": milestone.pk, "amount_fen": "3550000.00", "invoice_number": "43002602"},
        )
        request = PaymentRequest.objects.get(state=RequestState.PENDING)
        for person in (self.deputy, self.director):
            self.login(person)
            self.client.post(
                reverse("funds:payment_decide", args=[request.pk]), {"approve": "1", "comment": ""}
            )
        self.login(self.cashier)
        self.client.post(reverse("funds:payment_pay", args=[request.pk]), {"voucher_number": "记-2026-0615"})
        request.refresh_from_db()
        self.assertEqual(request.state, RequestState.PAID)
        self.assertContains(self.client.get(self.contract_url), "3,550,000.00 元")

    def test_it_shows_blocked_attempts_to_inspectors_and_records_their_reads(self) -> None:
        self.submit_change("800000")
        self.login(self.inspector, verified=True)
        response = self.client.get(reverse("funds:project", args=[self.contract.project_id]))
        self.assertContains(response, "CHANGE-SINGLE")
        self.assertContains(response, "周建军")  # who tried
        self.assertTrue(Leaf.objects.filter(action="funds.read").exists())
        new_contract = reverse("funds:contract_new", args=[self.contract.project_id])
        self.assertNotContains(response, new_contract)
        self.assertEqual(self.client.get(new_contract).status_code, 403)  # nor the form itself
        index = self.client.get(reverse("funds:index"))
        self.assertContains(index, "800,000.00 元")  # money saved

    def test_it_asks_inspectors_for_the_second_factor(self) -> None:
        self.login(self.inspector)
        response = self.client.get(reverse("funds:project", args=[self.contract.project_id]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:second_factor"), response["Location"])

    def test_it_hides_a_units_funds_from_other_units_and_other_jurisdictions(self) -> None:
        self.login(self.clerk)  # 区财政局
        self.assertEqual(self.client.get(self.contract_url).status_code, 404)
        other = make_person("inspector2", "黎明")
        assign(other, make_post(self.commission, PostKind.INSPECTOR, "JW-IN09", "纪检监察员", [self.finance]))
        self.login(other, verified=True)
        self.assertEqual(self.client.get(self.contract_url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("funds:index")), self.contract.project.code)

    def test_it_lets_admins_designate_posts(self) -> None:
        self.login(self.admin, verified=True)
        url = reverse("funds:setup") + f"?unit={self.water.pk}"
        self.assertContains(self.client.get(url), "工程建设股股长")
        post = make_post(self.water, PostKind.SECTION_CHIEF, "SWJ-SC19", "规划计划股股长")
        response = self.client.post(url, {"role": FundRole.CHANGE_APPROVER, "post": post.pk, "step": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(FundPost.objects.filter(post=post).exists())

    def test_it_creates_a_project_and_contract_from_the_pages(self) -> None:
        self.login(self.pm)
        response = self.client.post(
            reverse("funds:project_new"),
            {
                "unit": self.water.pk,
                "code": "swj-xm-2026-009",
                "name": "八曲河综合治理工程",
                "approval_reference": "望发改投〔2026〕30号",
                "budget_fen": "12,000,000",
            },
        )
        project = self.contract.project.__class__.objects.get(code="SWJ-XM-2026-009")
        self.assertRedirects(response, reverse("funds:project", args=[project.pk]))
        self.assertEqual(project.budget_fen, 1_200_000_000)
        response = self.client.post(
            reverse("funds:contract_new", args=[project.pk]),
            {
                "code": "SWJ-HT-2026-009",
                "title": "施工合同",
                "kind": "construction",
                "counterparty": self.contract.counterparty,
                "counterparty_code": self.contract.counterparty_code,
                "price_fen": "9,800,000.00",
                "signed_on": "2026-06-01",
                "starts_on": "2026-06-01",
                "ends_on": "2027-06-01",
                "integrity_number": "SWJ-LJ-2026-009",
            },
        )
        contract = project.contracts.get()
        self.assertRedirects(response, reverse("funds:contract", args=[contract.pk]))
        self.assertEqual(contract.price_fen, 980_000_000)
        response = self.client.post(reverse("funds:activate", args=[contract.pk]))
        self.assertContains(response, "integrity contract")
        self.assertEqual(dt.date(2026, 6, 1), contract.signed_on)

    def test_it_lists_projects_in_a_fixed_number_of_queries(self) -> None:
        self.login(self.inspector, verified=True)
        self.client.get(reverse("funds:index"))  # warm the session and role caches
        with CaptureQueriesContext(connection) as one:
            self.client.get(reverse("funds:index"))
        for n in range(2, 5):
            make_active_contract(
                self,
                code=f"SWJ-HT-2026-00{n}",
                project=make_project(self.pm, self.water, f"SWJ-XM-2026-00{n}"),
            )
        with CaptureQueriesContext(connection) as four:
            response = self.client.get(reverse("funds:index"))
        self.assertContains(response, "SWJ-XM-2026-004")
        self.assertEqual(len(four), len(one))

    def test_it_puts_the_pages_in_the_navigation(self) -> None:
        self.login(self.pm)
        self.assertContains(self.client.get(reverse("orgs:workbench")), reverse("funds:index"))
        self.login(self.admin, verified=True)
        response = self.client.get(reverse("checkpoints:rules"))
        self.assertContains(response, reverse("funds:setup"))
        self.assertContains(response, reverse("checkpoints:benchmarks"))
