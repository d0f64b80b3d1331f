"""The inbox: messages in, e-mail and text messages out after the commit, the unread badge."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse

from sunlight.notifications import sms
from sunlight.notifications.actions import notify
from sunlight.notifications.models import Notification, NotificationKind
from sunlight.test import Personas


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class InboxTests(Personas):
    def test_it_delivers_to_the_inbox_and_by_e_mail_and_sms_after_the_commit(self) -> None:
        self.clerk.email = "clerk@czj.example"
        self.clerk.save(update_fields=["email"])
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            notify(
                [self.clerk, self.chief, self.clerk],
                kind=NotificationKind.OTHER,
                title="请及时办理",
                body="办件即将超期",
                link="/cases/",
                email=True,
                text_message=True,
            )
            self.assertEqual(len(mail.outbox), 0)  # nothing leaves before the commit
        for callback in callbacks:
            callback()
        self.assertEqual(Notification.objects.filter(title="请及时办理").count(), 2)
        self.assertEqual([m.to for m in mail.outbox], [["clerk@czj.example"]])
        self.assertIn("/cases/", mail.outbox[0].body)
        self.assertIn(("138****0001", "【阳光】请及时办理"), sms.LoggingSmsSender.sent)

    def test_it_masks_phone_numbers_in_the_sms_log(self) -> None:
        with self.assertLogs("sunlight.notifications.sms", "INFO") as logs:
            sms.LoggingSmsSender().send("13807310001", "测试")
        self.assertIn("138****0001", logs.output[0])
        self.assertNotIn("13807310001", logs.output[0])

    def test_it_uses_the_configured_sms_sender(self) -> None:
        with override_settings(NOTIFICATIONS_SMS_SENDER="sunlight.notifications.sms.LoggingSmsSender"):
            self.assertIsInstance(sms.sender(), sms.LoggingSmsSender)

    def test_it_shows_the_unread_count_and_marks_read_on_opening(self) -> None:
        notify([self.clerk], kind=NotificationKind.OTHER, title="一", link=reverse("notifications:inbox"))
        notify([self.clerk], kind=NotificationKind.OTHER, title="二")
        request = RequestFactory().get("/")
        request.user = self.clerk
        badge = Template("{% load notifications %}{% notifications_badge %}").render(
            Context({"request": request})
        )
        self.assertIn('id="unread-count"', badge)
        self.assertIn(">2</a>", badge)
        self.login(self.clerk)
        page = self.client.get(reverse("notifications:inbox"))
        self.assertContains(page, "<strong>一</strong>")
        first = Notification.objects.get(title="一")
        self.assertRedirects(
            self.client.post(reverse("notifications:open", args=[first.pk])), reverse("notifications:inbox")
        )
        first.refresh_from_db()
        self.assertIsNotNone(first.read_at)
        self.client.post(reverse("notifications:read_all"))
        self.assertFalse(Notification.objects.of(self.clerk.pk).unread().exists())

    def test_it_keeps_each_inbox_to_its_owner(self) -> None:
        notify([self.chief], kind=NotificationKind.OTHER, title="股长的消息")
        self.login(self.clerk)
        self.assertNotContains(self.client.get(reverse("notifications:inbox")), "股长的消息")
        theirs = Notification.objects.get(title="股长的消息")
        self.assertEqual(self.client.post(reverse("notifications:open", args=[theirs.pk])).status_code, 404)

    def test_it_lists_unread_messages_over_the_api(self) -> None:
        notify([self.clerk], kind=NotificationKind.OTHER, title="接口消息")
        self.login(self.clerk)
        body = self.client.get("/api/v1/notifications?unread=true").json()
        self.assertEqual([n["title"] for n in body], ["接口消息"])
        read = self.client.post(f"/api/v1/notifications/{body[0]['id']}/read").json()
        self.assertIsNotNone(dt.datetime.fromisoformat(read["read_at"]))
