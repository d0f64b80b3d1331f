"""The calendar's pages: everyone signed in reads them; administrators enter and edit years."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.calendars import workdays
from sunlight.calendars.actions import enter_arrangement
from sunlight.calendars.models import HolidayArrangement
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, D, H, days, days_2027
from sunlight.calendars.workdays import is_workday

INDEX = reverse("calendars:index")
NEW = reverse("calendars:new")

FORM_2027 = {
    "year": "2027",
    "source": SOURCE_2027,
    "document_number": "国办发明电〔2026〕X号",
    "url": "https://www.gov.cn/",
    "published_on": "2026-11-01",
    "holidays": "2027-01-01 元旦\n2027-10-01..2027-10-07 国庆节",
    "makeup_days": "2027-10-09 国庆节",
}


class PageTests(CalendarTestCase):
    def test_it_shows_every_signed_in_person_the_years_and_their_status(self) -> None:
        self.login(self.clerk)
        response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(reverse("calendars:year", args=[2026]), html)
        self.assertNotIn(NEW, html)  # read-only for a clerk
        self.assertIn("calendars/calendars.css", html)

    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        response = self.client.get(reverse("calendars:year", args=[2026]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_draws_the_month_grid_with_holidays_and_make_up_days(self) -> None:
        self.login(self.clerk)
        response = self.client.get(reverse("calendars:year", args=[2026]))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count('class="calendars-month"'), 12)
        self.assertRegex(html, r'<td class="day-holiday"><time datetime="2026-10-01">1</time>')
        self.assertRegex(html, r'<td class="day-makeup"><time datetime="2026-10-10">10</time>')
        self.assertRegex(html, r'<td class="day-weekend"><time datetime="2026-10-11">11</time>')
        self.assertRegex(html, r'<td class="day-workday"><time datetime="2026-10-12">12</time>')
        # CSP: no inline styles or scripts.
        self.assertNotIn("style=", html)
        self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)", html))

    def test_it_warns_about_a_missing_year(self) -> None:
        self.login(self.clerk)
        response = self.client.get(reverse("calendars:year", args=[2030]))
        self.assertContains(response, 'class="notice notice-warning"')
        self.assertEqual(self.client.get(reverse("calendars:year", args=[1999])).status_code, 404)
        self.assertRedirects(self.client.get(INDEX, {"year": "2030"}), reverse("calendars:year", args=[2030]))

    def test_it_lists_the_years_in_a_constant_number_of_queries(self) -> None:
        self.login(self.clerk)

        def queries() -> int:
            workdays.reset()
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(INDEX).status_code, 200)
            return len(captured)

        with self.captureOnCommitCallbacks(execute=True):
            enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        one = queries()
        for year in (2023, 2024):
            with self.captureOnCommitCallbacks(execute=True):
                enter_arrangement(
                    self.as_actor(self.admin), year=year, source="测试", days=days(H, D(year, 10, 2))
                )
        self.assertEqual(queries(), one)

    def test_it_offers_a_year_as_csv(self) -> None:
        self.login(self.clerk)
        response = self.client.get(reverse("calendars:year_csv", args=[2026]))
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("2026-10-10", text)
        self.assertEqual(len(text.strip().splitlines()), 1 + 33 + 6)  # header, holidays, make-up days

    def test_it_refuses_the_forms_to_everyone_but_administrators_with_the_second_factor(self) -> None:
        self.login(self.clerk)
        self.assertEqual(self.client.get(NEW).status_code, 403)
        self.assertEqual(self.client.post(NEW, FORM_2027).status_code, 403)
        self.assertEqual(self.client.get(reverse("calendars:import")).status_code, 403)
        self.login(self.admin)
        response = self.client.get(NEW)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:second_factor"), response["Location"])
        self.assertFalse(HolidayArrangement.objects.exists())

    def test_it_shows_the_calendar_in_the_administrators_navigation_only(self) -> None:
        self.login(self.admin, verified=True)
        self.assertContains(self.client.get(reverse("accounts:security")), f'href="{INDEX}"')
        self.login(self.clerk)
        self.assertNotContains(self.client.get(reverse("accounts:security")), f'href="{INDEX}"')

    def test_it_enters_a_year_from_the_form(self) -> None:
        self.login(self.admin, verified=True)
        self.assertContains(self.client.get(NEW + "?year=2027"), 'value="2027"')
        response = self.client.post(NEW, FORM_2027)
        self.assertRedirects(response, reverse("calendars:year", args=[2027]))
        arrangement = HolidayArrangement.objects.get(year=2027)
        self.assertEqual(arrangement.days.count(), 9)
        self.assertFalse(is_workday(D(2027, 10, 4)))
        self.assertContains(self.client.get(INDEX), SOURCE_2027)

    def test_it_puts_each_problem_under_its_field_and_saves_nothing(self) -> None:
        self.login(self.admin, verified=True)
        bad = {
            **FORM_2027,
            "source": "",
            "holidays": "2027-01-01\n2027-13-01\nnext Friday",
            "makeup_days": "2027-10-11",
        }
        response = self.client.post(NEW, bad, headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="id_source_errors"', html)
        self.assertIn('id="id_holidays_errors"', html)
        self.assertIn("“2027-13-01” is not a valid date.", html)
        self.assertIn("“next Friday” is not a date or a range of dates", html)
        self.assertFalse(HolidayArrangement.objects.exists())
        # Once the list reads, the action's rules answer under the field too.
        response = self.client.post(
            NEW, {**FORM_2027, "makeup_days": "2027-10-11"}, headers={"accept-language": "en"}
        )
        self.assertContains(response, "a make-up workday must be a Saturday or a Sunday")
        self.assertContains(response, 'id="id_makeup_days_errors"')
        self.assertFalse(HolidayArrangement.objects.exists())

    def test_it_edits_a_year_with_the_reason(self) -> None:
        enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        self.login(self.admin, verified=True)
        url = reverse("calendars:edit", args=[2027])
        form = self.client.get(url)
        self.assertContains(form, "2027-10-01..2027-10-07 国庆节")
        data = {**FORM_2027, "holidays": "2027-01-01 元旦\n2027-10-01..2027-10-08 国庆节"}
        self.assertContains(self.client.post(url, data), 'id="id_reason_errors"')
        response = self.client.post(url, {**data, "reason": "补充通知"})
        self.assertRedirects(response, reverse("calendars:year", args=[2027]))
        self.assertFalse(is_workday(D(2027, 10, 8)))
        self.assertEqual(HolidayArrangement.objects.get().revision, 2)
        self.assertEqual(self.client.get(reverse("calendars:edit", args=[2028])).status_code, 404)
