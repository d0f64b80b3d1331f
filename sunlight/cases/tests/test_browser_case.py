import re

from playwright.sync_api import expect

from sunlight.browser import BrowserTestCase
from sunlight.cases.tests.factories import document, published
from sunlight.ledger.actor import Actor
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks.actions import create_risk_point
from sunlight.risks.tests.helpers import point_data


class CaseJourneyTests(BrowserTestCase):
    def test_it_takes_a_case_from_the_window_to_the_leader_and_shows_it_to_the_citizen(self) -> None:
        # The power the process implements, published, with a risk point and its red line.
        power = draft(Actor.of(self.head), self.finance)
        publish(Actor.of(self.head), self.inspector, power)
        create_risk_point(Actor.of(self.head), self.finance, point_data())
        definition = published(document(power="CZJ-XK-0001"))
        page = self.page
        # The clerk accepts an application: the risk warning comes first and must be acknowledged.
        self.sign_in("clerk")
        page.goto(self.url("/cases/new/"))
        page.click(f"a[href='/cases/new/{definition.pk}/']")
        expect(page.locator("#prewarning")).to_contain_text("严禁收受申请人财物或接受宴请")
        page.fill("input[name=subject]", "领购财政票据一批")
        page.select_option("select[name=applicant_kind]", "person")
        page.fill("input[name=applicant_name]", "张建华")
        page.fill("input[name=applicant_id]", "430122198801011234")
        page.click("main button[type=submit]")
        expect(page.locator("#acknowledge_errors, .errorlist").first).to_be_visible()  # not acknowledged yet
        page.check("input[name=acknowledge]")
        page.click("main button[type=submit]")
        number = page.locator("#case-number").inner_text()
        code = page.locator("#query-code").inner_text()
        self.assertRegex(number, r"^CZJ-\d{4}-\d{6}$")
        # The clerk completes the first step through its fixed form.
        page.click(f"a[href='/cases/{number}/']")
        page.click("a[href*='/steps/']")
        page.fill("input[name=amount]", "1,200.50")
        page.fill("input[name=copies]", "3")
        page.click("main button[type=submit]")
        expect(page.locator("#timeline")).to_contain_text("窗口受理")
        page.click("form[action='/accounts/logout/'] button")
        # The section chief reviews, the leader approves.
        for username in ("chief", "leader"):
            self.sign_in(username)
            page.goto(self.url("/workbench/"))
            page.click(f"#todo a:has-text('{number}')")
            if username == "leader":
                page.check("input[name=decision][value=approve]")
            page.click("main button[type=submit]")
            expect(page.locator("#timeline")).to_be_visible()
            page.click("form[action='/accounts/logout/'] button")
        # The citizen follows the case with the query code.
        page.goto(self.url("/cases/query/"))
        page.fill("input[name=number]", number)
        page.fill("input[name=code]", code)
        page.click("main button[type=submit]")
        result = page.locator("#query-result")
        expect(result).to_contain_text("分管领导审批")
        expect(result).to_contain_text("发证")
        expect(result.locator("svg")).to_be_visible()
        expect(result).not_to_contain_text("张建华")
        expect(page).to_have_url(re.compile(r"/cases/query/$"))
