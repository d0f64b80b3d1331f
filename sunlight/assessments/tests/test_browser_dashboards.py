"""Browser: an inspector opens the district dashboard with the supervision key; every chart is
drawn, in Chinese and in English, and changing a filter changes the figures and the charts."""

from __future__ import annotations

import re

from django_otp.oath import totp
from playwright.sync_api import expect

from sunlight.assessments import summary
from sunlight.assessments.tests.helpers import at, finish, one_step, rate, red_alarm, start
from sunlight.browser import BrowserTestCase
from sunlight.test import totp_device

CHARTS = ("chart-states", "chart-trend", "chart-on-time", "chart-alarms", "chart-funds", "chart-ratings")
PERIOD = "from=2026-07-01&to=2026-09-30"


class DashboardJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        finance, water = one_step("CZJ"), one_step("SWJ")
        done, code = start(self.clerk, finance, "2026-07-06")
        finish(self.clerk, done, "2026-07-08")
        rate(done, code, 5, "2026-07-09")
        start(self.clerk, finance, "2026-07-07")
        start(self.outsider, water, "2026-07-08")
        red_alarm(self.finance, "2026-07-14", "browser")
        with at("2026-10-12"):
            summary.refresh()

    def expect_charts(self) -> None:
        for chart in CHARTS:
            expect(self.page.locator(f"#{chart}[data-rendered=true] svg").first).to_be_visible()

    def test_it_draws_the_dashboard_in_both_languages_and_follows_the_filters(self) -> None:
        device = totp_device(self.inspector)
        self.sign_in("inspector")
        self.page.goto(self.url(f"/assessments/dashboard/?{PERIOD}"))
        self.page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        self.page.click("main button[type=submit]")
        expect(self.page).to_have_url(re.compile(r"/assessments/dashboard/\?from=2026-07-01"))
        # In Chinese, the default language.
        expect(self.page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(self.page.locator("#dashboard-filters")).to_contain_text("单位")
        self.expect_charts()
        expect(self.page.locator("#figure-started")).to_have_text("3")
        expect(self.page.locator("#chart-states-table")).to_be_hidden()  # drawn: the table folds away
        # Choosing a unit re-renders the page with its figures only.
        states = self.page.locator("#chart-states-table").text_content()
        self.page.select_option("select[name=unit]", str(self.water.pk))
        expect(self.page).to_have_url(re.compile(rf"unit={self.water.pk}"))
        expect(self.page.locator("#figure-started")).to_have_text("1")
        expect(self.page.locator("#figure-red")).to_have_text("0")
        self.expect_charts()
        self.assertNotEqual(self.page.locator("#chart-states-table").text_content(), states)
        # The same page in English.
        self.page.click("button[lang=en]")
        expect(self.page.locator("html")).to_have_attribute("lang", "en")
        expect(self.page.locator("h1")).to_have_text("District dashboard")
        expect(self.page.locator("#dashboard-filters")).to_contain_text("Power category")
        self.expect_charts()
        expect(self.page.locator("#figure-started")).to_have_text("1")
        # Back to every unit: the finance bureau's alarm is on the heat map again.
        self.page.select_option("select[name=unit]", "")
        expect(self.page.locator("#figure-red")).to_have_text("1")
        expect(self.page.locator("#chart-alarms-table")).to_contain_text("Case overdue", use_inner_text=False)
        self.expect_charts()
