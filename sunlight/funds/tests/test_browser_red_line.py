from django_otp.oath import totp
from playwright.sync_api import expect

from sunlight.browser import BrowserTestCase
from sunlight.checkpoints.builtin import ensure_builtin_rules
from sunlight.funds.models import ChangeOrder, ChangeState
from sunlight.funds.tests.factories import build_water_funds, make_active_contract
from sunlight.test import totp_device


class RedLineJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        ensure_builtin_rules()  # an earlier transactional test may have flushed them
        build_water_funds(self)
        self.contract = make_active_contract(self)

    def test_it_blocks_a_project_managers_change_order_and_shows_it_to_the_inspector(self) -> None:
        # The project manager asks for a change of 500,000.01 yuan: one fen over the red line.
        self.sign_in("manager")
        self.page.goto(self.url(f"/funds/contracts/{self.contract.pk}/"))
        self.page.click("#change-form >> xpath=.. >> summary")
        self.page.fill("#change-form input[name=title]", "护岸结构设计变更")
        self.page.fill("#change-form input[name=amount_fen]", "500000.01")
        self.page.fill("#change-form textarea[name=reason]", "现场地质条件与勘察报告不符")
        self.page.click("#change-form button[type=submit]")
        refusal = self.page.locator("#refusal")
        expect(refusal).to_contain_text("CHANGE-SINGLE")
        expect(refusal).to_contain_text("单项变更金额超过 500,000.00 元 的红线")
        expect(refusal).to_contain_text("区水务局变更签证管理规定")
        expect(self.page.locator("#change-orders")).to_contain_text("500,000.01")
        self.assertEqual(ChangeOrder.objects.get().state, ChangeState.BLOCKED)

        # The inspector, with the supervision key, sees the blocked attempt on the project page.
        self.context.clear_cookies()
        device = totp_device(self.inspector)
        self.sign_in("inspector")
        self.page.goto(self.url(f"/funds/projects/{self.contract.project_id}/"))
        self.page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        self.page.click("main button[type=submit]")
        expect(self.page).to_have_url(self.url(f"/funds/projects/{self.contract.project_id}/"))
        blocked = self.page.locator("#blocked-attempts")
        expect(blocked).to_contain_text("CHANGE-SINGLE")
        expect(blocked).to_contain_text("周建军")
