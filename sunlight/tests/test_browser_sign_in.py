import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from sunlight.browser import BrowserTestCase


class SignInJourneyTests(BrowserTestCase):
    def test_it_signs_a_clerk_in_to_the_workbench_in_chinese(self) -> None:
        self.page.goto(self.url("/"))
        expect(self.page.locator("h1")).to_have_text("让权力在阳光下运行")
        self.page.click("text=工作人员登录")
        self.sign_in("clerk")
        expect(self.page).to_have_url(self.url("/workbench/"))
        expect(self.page.locator("h1")).to_have_text("工作台")
        expect(self.page.locator("main")).to_contain_text("窗口受理岗")
        # The language switch gives the same page in English.
        self.page.click("button[lang=en]")
        expect(self.page.locator("h1")).to_have_text("Workbench")

    def test_it_refuses_the_console_until_the_inspector_enrols_a_second_factor(self) -> None:
        self.sign_in("inspector")
        self.page.goto(self.url("/supervision/"))
        # Refused the console: sent to set up the supervision key.
        expect(self.page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))
        secret = self.page.locator("#totp-secret").inner_text().replace(" ", "")
        code = f"{totp(base64.b32decode(secret)):06d}"
        self.page.fill("input[name=token]", code)
        self.page.click("main button[type=submit]")
        expect(self.page).to_have_url(self.url("/supervision/"))
        expect(self.page.locator("h1")).to_have_text("监督台")
