import datetime as dt
import re

import time_machine
from django.db import connection
from django.urls import reverse

from sunlight.cases.tests.factories import published, start
from sunlight.portal.models import FailedLookup
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CLIENT = "203.0.113.77"


def without_tokens(html: bytes) -> bytes:
    """A page without its CSRF tokens and the values the visitor typed."""
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)
    return re.sub(rb'(name="(number|code)"[^>]*?) value="[^"]*"', rb"\1", html)


@time_machine.travel(MONDAY, tick=False)
class CaseQueryTests(Personas):
    def setUp(self) -> None:
        self.case, self.code = start(self.as_actor(self.clerk), published())
        self.url = reverse("portal:query")

    def ask(self, number: str, code: str, address: str = CLIENT) -> bytes:
        response = self.client.post(self.url, {"number": number, "code": code}, REMOTE_ADDR=address)
        return bytes(response.content)

    def test_it_shows_the_course_of_the_case_with_personal_data_masked(self) -> None:
        response = self.client.post(self.url, {"number": self.case.number.lower(), "code": self.code.lower()})
        self.assertContains(response, 'id="query-result"')
        self.assertContains(response, "财政票据领购审批")  # the power
        self.assertContains(response, "窗口受理")  # the current step
        self.assertContains(response, "2026-11-16")  # the due date
        self.assertContains(response, "<svg")  # progress on the diagram
        self.assertContains(response, "张*华")
        self.assertNotContains(response, "张建华")
        self.assertNotContains(response, "430122198801011234")
        self.assertNotContains(response, "13807310099")
        self.assertNotContains(response, self.clerk.full_name)  # staff are not named either
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_shows_a_concluded_case_with_its_result_and_the_rating_button(self) -> None:
        case, code = conclude(self, approve=False)
        response = self.client.post(self.url, {"number": case.number, "code": code})
        self.assertContains(response, 'id="refusal-reasons"')
        self.assertContains(response, "票据用途不明")
        self.assertContains(response, 'id="rate-button"')

    def test_it_gives_the_same_answer_for_a_wrong_number_and_a_wrong_code(self) -> None:
        wrong_code = self.ask(self.case.number, "AAAAAAAA")
        wrong_number = self.ask("CZJ-2026-999999", self.code)
        self.assertNotIn(b"query-result", wrong_code)
        self.assertEqual(without_tokens(wrong_code), without_tokens(wrong_number))

    def test_it_refuses_the_21st_attempt_within_a_minute_even_with_the_right_code(self) -> None:
        for attempt in range(20):
            self.assertNotIn(b"query-result", self.ask(self.case.number, f"WRONG{attempt:03d}"))
        response = self.client.post(
            self.url, {"number": self.case.number, "code": self.code}, REMOTE_ADDR=CLIENT
        )
        self.assertEqual(response.status_code, 429)
        self.assertNotContains(response, "query-result", status_code=429)
        self.assertContains(response, "请 60 秒后再试", status_code=429)
        # Another client is not held back by this one.
        self.assertIn(b"query-result", self.ask(self.case.number, self.code, address="198.51.100.9"))
        # Once the oldest failure is a minute old, the right code works again.
        with time_machine.travel(MONDAY + dt.timedelta(seconds=61), tick=False):
            self.assertIn(b"query-result", self.ask(self.case.number, self.code))

    def test_it_keeps_no_client_address_for_the_throttle(self) -> None:
        self.ask(self.case.number, "WRONG000")
        stored = FailedLookup.objects.get()
        self.assertNotIn(CLIENT, stored.client)
        self.assertEqual(len(stored.client), 64)
        with connection.cursor() as cursor:
            cursor.execute("SELECT scope, client, at FROM portal_failedlookup")
            self.assertNotIn(CLIENT, repr(cursor.fetchall()))

    def test_it_forgets_failures_older_than_the_window(self) -> None:
        self.ask(self.case.number, "WRONG000")
        with time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=False):
            self.ask(self.case.number, "WRONG001")
        self.assertEqual(FailedLookup.objects.count(), 1)

    def test_it_still_answers_at_the_old_address(self) -> None:
        response = self.client.post(reverse("cases:query"), {"number": self.case.number, "code": self.code})
        self.assertContains(response, 'id="query-result"')

    def test_it_answers_without_a_form_by_get(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'name="code"')
        self.assertContains(response, 'autocomplete="off"')
