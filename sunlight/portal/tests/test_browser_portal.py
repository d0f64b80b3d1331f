import re

from django.test import override_settings
from django_otp.oath import totp
from playwright.sync_api import FilePayload, expect

from sunlight.browser import BrowserTestCase
from sunlight.ratings.models import Callback, Rating
from sunlight.ratings.tests.factories import conclude
from sunlight.reports.models import Report
from sunlight.test import totp_device

SUBMIT = "main button[type=submit]"


class CitizenJourneyTests(BrowserTestCase):
    def test_it_takes_a_citizen_from_the_kiosk_to_a_report_and_its_answer(self) -> None:
        case, code = conclude(self)
        page = self.page

        # At the service hall's query computer: a wrong code first, then the right one.
        page.goto(self.url("/portal/kiosk/"))
        expect(page.get_by_role("link", name=re.compile("Staff|工作人员"))).to_have_count(0)
        page.click("#kiosk-query")
        page.fill("input[name=number]", case.number)
        page.fill("input[name=code]", "WRONG123")
        page.click(SUBMIT)
        generic = page.locator("#query-error").inner_text()
        page.fill("input[name=number]", "CZJ-2026-999999")
        page.fill("input[name=code]", code)
        page.click(SUBMIT)
        expect(page.locator("#query-error")).to_have_text(generic)
        page.fill("input[name=number]", case.number)
        page.fill("input[name=code]", code.lower())
        page.click(SUBMIT)
        result = page.locator("#query-result")
        expect(result).to_contain_text("财政票据领购审批")
        expect(result.locator("svg")).to_be_visible()
        expect(result).to_contain_text("张*华")
        expect(result).not_to_contain_text("张建华")

        # The citizen rates the service badly, from the kiosk.
        page.click("#rate-button")
        page.check("input[name=grade][value='2']")
        page.fill("textarea[name=comment]", "材料清单不清楚，跑了两趟")
        page.click(SUBMIT)
        expect(page.locator("#rating-obligations")).to_be_visible()
        rating = Rating.objects.get(case=case)
        self.assertEqual((rating.grade, rating.channel), (2, "kiosk"))
        self.assertTrue(Callback.objects.filter(rating=rating).exists())
        page.click("#kiosk-done")
        expect(page).to_have_url(self.url("/portal/kiosk/"))

        # At home, the citizen reports misconduct anonymously, with an attachment.
        page.goto(self.url("/reports/new/"))
        page.check("input[name=subject_kind][value='unit']")
        page.select_option("select[name=unit]", str(self.finance.pk))
        page.fill("textarea[name=text]", "窗口工作人员暗示找指定中介可以加快办理")
        page.set_input_files(
            "input[name=attachments]",
            files=[FilePayload(name="聊天记录.txt", mimeType="text/plain", buffer="中介联系方式".encode())],
        )
        page.click(SUBMIT)
        receipt = page.locator("#receipt-code").inner_text()
        self.assertRegex(receipt, r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")
        report = Report.objects.get()
        self.assertFalse(report.named)

        # An inspector, with the supervision key, takes the report and asks a question.
        device = totp_device(self.inspector)
        self.sign_in("inspector")
        page.goto(self.url(f"/reports/{report.pk}/"))
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.click(SUBMIT)
        page.check(f"input[name=inspectors][value='{self.inspector.pk}']")
        page.click("#assign-form button[type=submit]")
        expect(page.locator("#report-text")).to_contain_text("指定中介")
        expect(page.locator("#attachments")).to_contain_text("聊天记录.txt")
        page.click("#accept-form button[type=submit]")
        page.fill("#ask-form textarea[name=body]", "请提供该中介的名称。")
        page.click("#ask-form button[type=submit]")
        expect(page.locator("#conversation")).to_contain_text("请提供该中介的名称。")
        self.context.clear_cookies()

        # The citizen comes back with the receipt: a wrong one first, then theirs.
        page.goto(self.url("/reports/follow/"))
        page.fill("input[name=receipt]", "AAAA-BBBB-CCCC-DDDD")
        page.click(SUBMIT)
        generic = page.locator("#receipt-error").inner_text()
        page.fill("input[name=receipt]", receipt[:-1] + ("2" if receipt[-1] != "2" else "3"))
        page.click(SUBMIT)
        expect(page.locator("#receipt-error")).to_have_text(generic)
        page.fill("input[name=receipt]", receipt)
        page.click(SUBMIT)
        expect(page.locator("#conversation")).to_contain_text("请提供该中介的名称。")
        page.fill("#answer-form textarea[name=body]", "星城代办服务部")
        page.click("#answer-form button[type=submit]")
        expect(page.locator("#answer-sent")).to_be_visible()
        expect(page.locator("#conversation")).to_contain_text("星城代办服务部")
        self.assertEqual(report.messages.count(), 2)

    @override_settings(PORTAL_KIOSK_IDLE_SECONDS=3)
    def test_it_sends_an_idle_kiosk_back_to_the_start(self) -> None:
        case, code = conclude(self)
        page = self.page
        page.goto(self.url("/portal/kiosk/query/"))
        page.fill("input[name=number]", case.number)
        page.fill("input[name=code]", code)
        page.click(SUBMIT)
        expect(page.locator("#query-result")).to_be_visible()
        expect(page).to_have_url(self.url("/portal/kiosk/"), timeout=8_000)
        expect(page.locator("#query-result")).to_have_count(0)
        # Going back does not bring the case back: the result was a no-store POST.
        page.go_back()
        expect(page.locator("#query-result")).to_have_count(0)

    def test_it_is_usable_with_the_keyboard_in_english(self) -> None:
        case, code = conclude(self)
        page = self.page
        page.goto(self.url("/portal/query/"))
        page.click("button[name=language][value=en]")
        expect(page.locator("h1")).to_have_text("Follow your case")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.focus("input[name=number]")
        page.keyboard.type(case.number)
        page.keyboard.press("Tab")
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        expect(page.locator("#query-result")).to_be_visible()
        expect(page.locator("#rate-button")).to_be_visible()
