import os
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from sunlight.reports.models import Attachment, Report
from sunlight.reports.tests.helpers import TemporaryMedia
from sunlight.test import Personas

CLIENT = "203.0.113.77"
TEXT = "副局长王某某在2026年10月收受红包八千元-LANTERN-7F3A"
ATTACHMENT = "转账截图说明：收款人王某某，金额8000元-PAPERCLIP-91C2".encode()
PERSON = "王某某（审批股）-OTTER-55"
NAME = "举报人李四-HERON-12"


def every_stored_value() -> list[bytes]:
    """Every text and binary value in every table of the database, as bytes."""
    values: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str):
                        values.append(value.encode("utf-8"))
                    elif isinstance(value, bytes | bytearray | memoryview):
                        values.append(bytes(value))
    return values


def every_stored_file(root: str) -> list[bytes]:
    return [Path(folder, name).read_bytes() for folder, _dirs, names in os.walk(root) for name in names]


class EncryptionAtRestTests(TemporaryMedia, Personas):
    def submit(self) -> str:
        response = self.client.post(
            reverse("reports:new"),
            {
                "subject_kind": "person",
                "unit": self.finance.pk,
                "person": PERSON,
                "text": TEXT,
                "name": NAME,
                "contact": "13700001111",
                "attachments": [
                    SimpleUploadedFile("转账截图-OTTER.txt", ATTACHMENT, content_type="text/plain")
                ],
            },
            REMOTE_ADDR=CLIENT,
            HTTP_USER_AGENT="Mozilla/5.0 (Reporter-Browser-UA)",
        )
        self.assertContains(response, 'id="receipt-code"')
        return response.content.decode().split('id="receipt-code">')[1].split("<")[0]

    def test_it_stores_the_report_readable_nowhere_in_the_database_or_the_files(self) -> None:
        receipt = self.submit()
        # The reporter comes back, answers, and someone tries wrong receipts from the same address.
        self.client.post(
            reverse("reports:follow"), {"receipt": receipt, "body": "补充-LANTERN-说明"}, REMOTE_ADDR=CLIENT
        )
        self.client.post(reverse("reports:follow"), {"receipt": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR=CLIENT)
        report = Report.objects.get()
        self.assertEqual(Attachment.objects.filter(report=report).count(), 1)
        self.assertEqual(report.messages.count(), 1)

        stored = every_stored_value()
        files = every_stored_file(self.media_root)
        self.assertEqual(len(files), 1)
        secrets = {
            "text": TEXT.encode(),
            "text fragment": b"LANTERN",
            "attachment": ATTACHMENT,
            "attachment fragment": b"PAPERCLIP",
            "attachment name": "转账截图".encode(),
            "person": b"OTTER",
            "reporter's name": b"HERON",
            "reporter's phone": b"13700001111",
            "receipt code": receipt.replace("-", "").encode(),
            "client address": CLIENT.encode(),
            "user agent": b"Reporter-Browser-UA",
        }
        for what, needle in secrets.items():
            for value in stored + files:
                self.assertNotIn(needle, value, f"the {what} is readable at rest")
        # The stored file's name says nothing either.
        self.assertRegex(str(Attachment.objects.get().file.name), r"^reports/[0-9a-f]{32}$")

    def test_it_records_the_submission_in_the_ledger_without_a_person_or_request(self) -> None:
        self.login(self.clerk)  # even a signed-in member of staff reports anonymously
        self.submit()
        from sunlight.ledger.models import Leaf

        leaf = Leaf.objects.get(action="reports.submit")
        self.assertIsNone(leaf.actor_id)
        self.assertIn('"person":null', leaf.data)
        self.assertIn('"request_id":"-"', leaf.data)
        self.assertNotIn(self.clerk.username, leaf.data)

    def test_it_opens_the_sealed_values_only_in_their_own_place(self) -> None:
        from sunlight.reports import sealing

        self.submit()
        report = Report.objects.get()
        self.assertEqual(sealing.unseal_json(report.content, report.place("content"))["text"], TEXT)
        other = report.place("identity")
        with self.assertRaises(sealing.Unsealable):
            sealing.unseal(report.content, other)
