"""An alarm's disposal: explained, verified, a sealed letter or accountability, rectified, closed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunlight.alarms import actions
from sunlight.alarms.models import Alarm, AlarmEvent, AlarmKind, AlarmLevel, AlarmState, Transition
from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at, one_step
from sunlight.alarms.timers import run_escalations
from sunlight.cases.tests.factories import start
from sunlight.documents.actions import verify
from sunlight.documents.models import DocumentKind
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.notifications.models import Notification, NotificationKind
from sunlight.orgs.models import Assignment
from sunlight.test import Personas, assign, make_person, make_post


class LifecycleTests(Personas):
    def overdue_alarm(self) -> Alarm:
        with at("2026-11-02"):
            start(self.as_actor(self.clerk), one_step(5))
        with at("2026-11-10"):
            sweep()
        return Alarm.objects.get(kind=AlarmKind.CASE_OVERDUE)

    def test_it_takes_an_alarm_through_a_sealed_letter_to_closing(self) -> None:
        alarm = self.overdue_alarm()
        with at("2026-11-11"):
            actions.explain(self.as_actor(self.monitor), alarm, text="窗口人员病休，未及时办理。")
            actions.verify(self.as_actor(self.inspector), alarm, text="经查，超期3个工作日，情况属实。")
            actions.issue_letter(
                self.as_actor(self.inspector), alarm, text="一、建立AB岗制度；二、对超期办件进行通报。"
            )
        alarm.refresh_from_db()
        self.assertEqual(alarm.state, AlarmState.LETTER)
        letter = alarm.letter
        assert letter is not None
        self.assertEqual(
            (letter.kind, letter.title, letter.issuer),
            (DocumentKind.RECOMMENDATION, "监察建议书", self.commission),
        )
        # 15 working days to rectify: from Wednesday 11-11 to Wednesday 12-02.
        self.assertEqual(str(alarm.stage_due), "2026-12-02")
        data = letter.file.read()
        self.assertTrue(verify(data).genuine)
        changed = bytearray(data)
        at_title = changed.find(b"/Title")
        changed[at_title + 8] = (changed[at_title + 8] + 1) % 256
        self.assertFalse(verify(bytes(changed)).genuine)
        # The public verification page says the same.
        url = reverse("documents:verify_number", args=[letter.number])
        self.assertContains(
            self.client.post(url, {"file": SimpleUploadedFile("l.pdf", data)}), "notice-success"
        )
        self.assertContains(
            self.client.post(url, {"file": SimpleUploadedFile("l.pdf", bytes(changed))}), "notice-error"
        )

        with at("2026-11-20"):
            actions.rectify(self.as_actor(self.monitor), alarm, text="已建立AB岗制度，并全局通报。")
            actions.close(self.as_actor(self.inspector), alarm, text="整改到位。")
        alarm.refresh_from_db()
        self.assertEqual((alarm.state, alarm.stage_due), (AlarmState.CLOSED, None))
        self.assertIsNotNone(alarm.closed_at)
        steps = list(
            AlarmEvent.objects.filter(alarm=alarm).order_by("pk").values_list("transition", "by__username")
        )
        self.assertEqual(
            steps,
            [
                (Transition.EXPLAIN, "monitor"),
                (Transition.VERIFY, "inspector"),
                (Transition.LETTER, "inspector"),
                (Transition.RECTIFY, "monitor"),
                (Transition.CLOSE, "inspector"),
            ],
        )
        trail = list(
            Leaf.objects.about("alarms.alarm", alarm.pk).order_by("seq").values_list("action", flat=True)
        )
        self.assertEqual(
            trail,
            [
                "alarms.raise",
                "alarms.explain",
                "alarms.verify",
                "alarms.letter",
                "alarms.rectify",
                "alarms.close",
            ],
        )
        self.assertIn("JW-IN01", Leaf.objects.get(action="alarms.letter").data)  # the inspector's post
        # The unit heard of the letter.
        self.assertTrue(
            Notification.objects.filter(recipient=self.monitor, kind=NotificationKind.ALARM_STAGE).exists()
        )

    def test_it_starts_accountability_of_the_person_responsible_and_the_leader(self) -> None:
        alarm = self.overdue_alarm()
        responsible = Assignment.objects.get(person=self.clerk, post=self.window_post)
        leader = Assignment.objects.get(person=self.leader, post=self.leader_post)
        with at("2026-11-11"):
            actions.verify(self.as_actor(self.inspector), alarm, text="属实")
            procedure = actions.start_accountability(
                self.as_actor(self.inspector), alarm, responsible=responsible, leader=leader, text="多次超期"
            )
        self.assertEqual((procedure.responsible, procedure.leader), (self.clerk, self.leader))
        assert procedure.notice is not None
        self.assertEqual(procedure.notice.kind, DocumentKind.ACCOUNTABILITY)
        self.assertTrue(verify(procedure.notice.file.read()).genuine)
        self.assertTrue(Notification.objects.filter(recipient=self.clerk).exists())
        self.assertTrue(Notification.objects.filter(recipient=self.leader).exists())
        alarm.refresh_from_db()
        self.assertEqual(alarm.state, AlarmState.ACCOUNTABILITY)

    def test_it_refuses_a_leader_who_is_not_a_leader(self) -> None:
        alarm = self.overdue_alarm()
        clerk = Assignment.objects.get(person=self.clerk, post=self.window_post)
        chief = Assignment.objects.get(person=self.chief, post=self.chief_post)
        with at("2026-11-11"):
            actions.verify(self.as_actor(self.inspector), alarm, text="属实")
            with self.assertRaises(ValidationError) as caught:
                actions.start_accountability(
                    self.as_actor(self.inspector), alarm, responsible=clerk, leader=chief, text="x"
                )
        self.assertIn("leader", caught.exception.message_dict)

    def test_it_answers_verified_off_system_handling_with_accountability_only(self) -> None:
        alarm, _created = actions.raise_alarm(
            Actor.system(),
            kind=AlarmKind.OFF_SYSTEM,
            level=AlarmLevel.RED,
            message="凭证 记-01 未在系统中办理",
            dedupe_key="off-system:test",
            unit=self.finance,
        )
        actions.verify(self.as_actor(self.inspector), alarm, text="属实")
        with self.assertRaises(ValidationError):
            actions.issue_letter(self.as_actor(self.inspector), alarm, text="建议")

    def test_it_refuses_each_party_the_other_partys_steps_and_raises_an_alarm(self) -> None:
        alarm = self.overdue_alarm()
        with at("2026-11-11"):
            with self.assertRaises(Refused):
                actions.verify(self.as_actor(self.monitor), alarm, text="我来核查")
            with self.assertRaises(Refused):
                actions.explain(self.as_actor(self.inspector), alarm, text="代为说明")
            other_monitor = make_person("watermonitor", "许静")
            assign(other_monitor, make_post(self.water, "monitor", "SWJ-MC01", "监管员"))
            with self.assertRaises(Refused):
                actions.explain(self.as_actor(other_monitor), alarm, text="代为说明")
        alarm.refresh_from_db()
        self.assertEqual(alarm.state, AlarmState.RAISED)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count(), 3)

    def test_it_refuses_a_step_the_table_does_not_allow(self) -> None:
        alarm = self.overdue_alarm()
        with at("2026-11-11"), self.assertRaises(ValidationError):
            actions.close(self.as_actor(self.inspector), alarm, text="")
        with at("2026-11-11"), self.assertRaises(ValidationError):
            actions.explain(self.as_actor(self.monitor), alarm, text="  ")

    def test_it_escalates_a_missed_stage_once_per_deadline(self) -> None:
        alarm = self.overdue_alarm()
        self.assertEqual(str(alarm.stage_due), "2026-11-13")
        with at("2026-11-13"):
            self.assertEqual(run_escalations(), 0)
        with at("2026-11-16"):
            self.assertEqual(run_escalations(), 1)
            self.assertEqual(run_escalations(), 0)
        alarm.refresh_from_db()
        self.assertEqual((alarm.escalations, str(alarm.stage_due)), (1, "2026-11-19"))
        self.assertTrue(
            Notification.objects.filter(recipient=self.inspector, kind=NotificationKind.ESCALATION).exists()
        )
        self.assertTrue(
            Notification.objects.filter(recipient=self.head, kind=NotificationKind.ESCALATION).exists()
        )
        self.assertEqual(Leaf.objects.filter(action="alarms.escalate").count(), 1)
        with at("2026-11-20"):
            self.assertEqual(run_escalations(), 1)  # still not explained: escalated again

    def test_it_lets_an_inspector_raise_an_alarm_by_hand(self) -> None:
        alarm = actions.raise_by_hand(
            self.as_actor(self.inspector),
            kind=AlarmKind.LAWFUL_APPLICATION_REFUSED,
            unit=self.finance,
            message="举报称…",
        )
        self.assertEqual(
            (alarm.level, alarm.state, alarm.unit), (AlarmLevel.RED, AlarmState.RAISED, self.finance)
        )
        with self.assertRaises(Refused):
            actions.raise_by_hand(
                self.as_actor(self.clerk), kind=AlarmKind.OTHER, unit=self.finance, message="x"
            )
