import datetime as dt

import time_machine
from django.urls import reverse

from sunlight.reports import actions
from sunlight.reports.tests.helpers import TemporaryMedia
from sunlight.test import Personas

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class FollowUpTests(TemporaryMedia, Personas):
    def setUp(self) -> None:
        super().setUp()
        self.report, self.receipt = actions.submit(subject_kind="unit", unit=self.water, text="工程款被截留")
        self.url = reverse("reports:follow")

    def test_it_shows_the_state_and_the_conversation_with_the_receipt(self) -> None:
        actions.assign(self.as_actor(self.inspector), self.report, [self.inspector])
        actions.ask(self.as_actor(self.inspector), self.report, body="请问是哪个工程项目？")
        response = self.client.post(self.url, {"receipt": actions.format_receipt(self.receipt).lower()})
        self.assertContains(response, 'id="report-status"')
        self.assertContains(response, "请问是哪个工程项目？")
        self.assertNotContains(response, self.inspector.full_name)  # no inspector is named
        self.assertNotContains(response, "工程款被截留")  # a lost receipt shows the least
        self.assertIn("no-store", response["Cache-Control"])
        answered = self.client.post(self.url, {"receipt": self.receipt, "body": "乔口镇防洪堤项目"})
        self.assertContains(answered, 'id="answer-sent"')
        self.assertContains(answered, "乔口镇防洪堤项目")

    def test_it_gives_every_wrong_receipt_the_same_answer(self) -> None:
        last = "Y" if self.receipt.endswith("Z") else "Z"  # one character off, never the receipt itself
        pages = [
            self.client.post(self.url, {"receipt": receipt}).content.decode()
            for receipt in ("AAAA-BBBB-CCCC-DDDD", "short", self.receipt[:-1] + last)
        ]
        for page in pages:
            self.assertIn('id="receipt-error"', page)
            self.assertNotIn('id="report-status"', page)
        strip = [p.split('id="receipt-error"')[1].split("</div>")[0] for p in pages]
        self.assertEqual(len(set(strip)), 1)

    def test_it_throttles_wrong_receipts_and_then_even_the_right_one(self) -> None:
        for _ in range(20):
            self.client.post(self.url, {"receipt": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR="203.0.113.77")
        refused = self.client.post(self.url, {"receipt": self.receipt}, REMOTE_ADDR="203.0.113.77")
        self.assertEqual(refused.status_code, 429)
        self.assertNotContains(refused, 'id="report-status"', status_code=429)
        self.assertContains(refused, "请 60 秒后再试", status_code=429)

    def test_it_files_an_anonymous_report_through_the_page(self) -> None:
        form = self.client.get(reverse("reports:new"))
        self.assertContains(form, 'enctype="multipart/form-data"')
        missing = self.client.post(
            reverse("reports:new"), {"subject_kind": "person", "unit": self.finance.pk, "text": "x"}
        )
        self.assertContains(missing, 'id="id_person_errors"')
        done = self.client.post(
            reverse("reports:new"),
            {"subject_kind": "unit", "unit": self.finance.pk, "text": "窗口索要好处费"},
        )
        self.assertContains(done, 'id="receipt-code"')
        self.assertIn("no-store", done["Cache-Control"])
