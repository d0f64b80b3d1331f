"""Browser: a clerk signs in and lands on the workbench; an inspector without the supervision key
is kept out of the console until they enrol one, reading its secret off the page as an
authenticator app would."""

from __future__ import annotations

import base64

from django_otp.oath import totp
from playwright.sync_api import expect

from sunlight.browser import BrowserTestCase


class SignInJourneyTests(BrowserTestCase):
    def test_it_signs_a_clerk_in_to_the_workbench(self) -> None:
        self.sign_in("clerk")
        expect(self.page).to_have_url(self.url("/workbench/"))
        expect(self.page.locator("main h1")).to_have_text("工作台")
        expect(self.page.locator("main")).to_contain_text(self.clerk.full_name)

    def test_it_keeps_an_inspector_out_of_the_console_until_the_key_is_enrolled(self) -> None:
        self.sign_in("inspector")
        self.page.goto(self.url("/supervision/"))
        # Refused the console: sent to set up the supervision key first.
        expect(self.page).not_to_have_url(self.url("/supervision/"))
        expect(self.page.locator("main h1")).to_have_text("设置监督钥匙")
        secret = self.page.locator("#totp-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.page.fill("input[name=token]", f"{totp(key):06d}")
        self.page.click("main button[type=submit]")
        expect(self.page).to_have_url(self.url("/supervision/"))
        expect(self.page.locator("#console-figures")).to_be_visible()
