from pathlib import Path

from playwright.sync_api import expect

from sunlight.browser import BrowserTestCase
from sunlight.ledger.actor import Actor
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions as risk_actions
from sunlight.risks.tests.helpers import measure_data, point_data


class CitizenGuideJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        unit = Actor.of(self.chief)
        publish(Actor.of(self.leader), self.inspector, draft(unit, self.finance))
        publish(
            Actor.of(self.leader),
            self.inspector,
            draft(
                unit,
                self.finance,
                code="CZJ-XK-0002",
                name="会计代理记账机构审批",
                sub_items=(),
                result_document="代理记账许可证书",
            ),
        )
        risk_actions.create_risk_point(unit, self.finance, point_data(), measures=[measure_data()])

    def find_the_guide_and_download_it(self, language: str) -> None:
        page = self.page
        page.goto(self.url("/powers/"))
        if language == "en":
            page.click("button[lang=en]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.fill("#search-q", "采购代理")
        page.click("main button[type=submit]")
        expect(page.locator("#results li")).to_have_count(1)
        page.click("#results >> text=政府采购代理机构资格认定")
        expect(page.locator("h1")).to_have_text("政府采购代理机构资格认定")
        # Before starting, the citizen sees where the power could be abused and the red line (S12).
        expect(page.locator("#risks")).to_contain_text("严禁收受申请人财物或接受宴请")
        expect(page.locator("#risks")).to_contain_text("将审查流程固化到防控平台")
        expect(page.locator("#committed-limit")).to_contain_text("10")
        with page.expect_download() as download_info:
            page.click("#guide-pdf")
        download = download_info.value
        self.assertEqual(download.suggested_filename, "CZJ-XK-0001-v1.pdf")
        self.assertTrue(Path(download.path()).read_bytes().startswith(b"%PDF"))

    def test_it_lets_a_citizen_find_a_power_and_download_its_guide_in_chinese(self) -> None:
        self.find_the_guide_and_download_it("zh-hans")

    def test_it_lets_a_citizen_find_a_power_and_download_its_guide_in_english(self) -> None:
        self.find_the_guide_and_download_it("en")
        expect(self.page.locator("#guide-pdf")).to_have_text("Download the guide (PDF)")
