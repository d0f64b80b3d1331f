from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import PostKind
from sunlight.reports import actions
from sunlight.reports.models import Finding, Report, ReportState
from sunlight.reports.tests.helpers import TemporaryMedia
from sunlight.test import Personas, assign, make_person, make_post


class ReportHandlingTests(TemporaryMedia, Personas):
    def setUp(self) -> None:
        super().setUp()
        self.report, self.receipt = actions.submit(
            subject_kind="unit",
            unit=self.finance,
            text="审批股长期压件，要求申请人找中介代办",
            name="李四",
            contact="13700001111",
            attachments=[actions.Upload("照片.jpg", "image/jpeg", b"\xff\xd8fake-jpeg")],
        )
        # A second inspector, for the water bureau only.
        self.water_inspector = make_person("water-inspector", "周敏")
        assign(
            self.water_inspector,
            make_post(self.commission, PostKind.INSPECTOR, "JW-IN09", jurisdiction=[self.water]),
        )

    def test_it_lets_only_assigned_inspectors_read_and_records_every_read(self) -> None:
        with self.assertRaises(Refused):
            actions.read(self.as_actor(self.inspector), self.report)
        self.assertTrue(
            Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION, person=self.inspector).exists()
        )
        actions.assign(self.as_actor(self.inspector), self.report, [self.inspector])
        content = actions.read(self.as_actor(self.inspector), self.report)
        self.assertEqual(content.text, "审批股长期压件，要求申请人找中介代办")
        self.assertEqual(content.attachments[0]["name"], "照片.jpg")
        actions.read(self.as_actor(self.inspector), self.report)
        reads = Leaf.objects.filter(action="reports.read", actor_id=self.inspector.pk)
        self.assertEqual(reads.count(), 2)
        self.assertIn(self.inspector_post.code, reads.earliest("seq").data)
        identity = actions.read_identity(self.as_actor(self.inspector), self.report)
        self.assertEqual(identity, {"name": "李四", "contact": "13700001111"})
        self.assertTrue(Leaf.objects.filter(action="reports.read_identity").exists())
        attachment = actions.read_attachment(self.as_actor(self.inspector), self.report.attachments.get())
        self.assertEqual(attachment.data, b"\xff\xd8fake-jpeg")

    def test_it_keeps_the_unit_and_other_staff_out(self) -> None:
        actions.assign(self.as_actor(self.inspector), self.report, [self.inspector])
        for person in (self.monitor, self.head, self.admin):
            with self.assertRaises(Refused):
                actions.read(self.as_actor(person), self.report)
            with self.assertRaises(Refused):
                actions.read_identity(self.as_actor(person), self.report)
        self.login(self.monitor)
        self.assertEqual(self.client.get(reverse("reports:detail", args=[self.report.pk])).status_code, 403)

    def test_it_assigns_only_by_a_district_inspector_and_only_inspectors_of_the_unit(self) -> None:
        with self.assertRaises(Refused):
            actions.assign(self.as_actor(self.water_inspector), self.report, [self.water_inspector])
        with self.assertRaises(ValidationError):
            actions.assign(self.as_actor(self.inspector), self.report, [self.water_inspector])
        with self.assertRaises(ValidationError):
            actions.assign(self.as_actor(self.inspector), self.report, [self.monitor])
        actions.assign(self.as_actor(self.inspector), self.report, [self.inspector])
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, ReportState.ASSIGNED)

    def test_it_records_the_handling_and_replies_to_the_reporter(self) -> None:
        inspector = self.as_actor(self.inspector)
        actions.assign(inspector, self.report, [self.inspector])
        actions.accept(inspector, self.report)
        actions.ask(inspector, self.report, body="请说明压件的具体办件编号。")
        actions.answer(self.report, receipt=self.receipt.lower(), body="CZJ-2026-000012")
        with self.assertRaises(ValidationError):
            actions.answer(self.report, receipt="A" * 16, body="冒充")
        concluded = actions.conclude(
            inspector,
            self.report,
            finding=Finding.PARTLY,
            verification="调阅办件记录，存在超时未办",
            reply="经核查，反映问题部分属实，已责令整改。",
        )
        self.assertEqual((concluded.state, concluded.finding), (ReportState.CONCLUDED, Finding.PARTLY))
        actions_done = list(
            Leaf.objects.about("reports.report", self.report.pk)
            .values_list("action", flat=True)
            .order_by("seq")
        )
        for action in ("reports.submit", "reports.assign", "reports.accept", "reports.ask", "reports.answer"):
            self.assertIn(action, actions_done)
        self.assertIn("reports.conclude", actions_done)
        self.assertIn("reports.reply", actions_done)
        content = actions.read(inspector, Report.objects.get(pk=self.report.pk))
        self.assertEqual(
            [m["body"] for m in content.messages],
            ["请说明压件的具体办件编号。", "CZJ-2026-000012", "经核查，反映问题部分属实，已责令整改。"],
        )
        self.assertEqual(content.verification, "调阅办件记录，存在超时未办")
        with self.assertRaises(ValidationError):
            actions.accept(inspector, concluded)

    def test_it_declines_with_a_reason_for_the_reporter(self) -> None:
        inspector = self.as_actor(self.inspector)
        actions.assign(inspector, self.report, [self.inspector])
        with self.assertRaises(ValidationError):
            actions.decline(inspector, self.report, reply=" ")
        declined = actions.decline(
            inspector, self.report, reply="不属于纪检监察机关受理范围，请向信访部门反映。"
        )
        self.assertEqual(declined.state, ReportState.DECLINED)

    def test_it_handles_the_report_through_the_inspectors_pages(self) -> None:
        self.login(self.inspector, verified=True)
        inbox = self.client.get(reverse("reports:inbox"))
        self.assertContains(inbox, reverse("reports:detail", args=[self.report.pk]))
        self.assertNotContains(inbox, "压件")  # the list shows no content
        page = self.client.get(reverse("reports:detail", args=[self.report.pk]))
        self.assertNotContains(page, "压件")
        self.assertContains(page, 'id="assign-form"')
        self.client.post(
            reverse("reports:assign", args=[self.report.pk]), {"inspectors": [self.inspector.pk]}
        )
        page = self.client.get(reverse("reports:detail", args=[self.report.pk]))
        self.assertContains(page, "压件")
        self.assertNotContains(page, "李四")  # the identity only on demand
        shown = self.client.post(reverse("reports:identity", args=[self.report.pk]))
        self.assertContains(shown, 'id="reporter-identity"')
        self.assertContains(shown, "李四")
        download = self.client.get(
            reverse("reports:attachment", args=[self.report.pk, self.report.attachments.get().pk])
        )
        self.assertEqual(b"".join(download.streaming_content), b"\xff\xd8fake-jpeg")  # type: ignore[attr-defined]
        self.assertIn("attachment;", download["Content-Disposition"])
        self.client.post(reverse("reports:handle", args=[self.report.pk, "accept"]))
        self.client.post(reverse("reports:handle", args=[self.report.pk, "ask"]), {"body": "请补充时间。"})
        self.report.refresh_from_db()
        self.assertEqual((self.report.state, self.report.messages.count()), (ReportState.ACCEPTED, 1))
