"""Notices from the commission to units, with per-recipient read receipts the commission sees."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.notifications.actions import send_notice
from sunlight.notifications.models import NoticeReceipt, Notification
from sunlight.test import Personas


class NoticeTests(Personas):
    def test_it_sends_a_notice_and_shows_who_has_read_it(self) -> None:
        notice = send_notice(
            self.as_actor(self.inspector),
            title="关于开展季度自查的通知",
            body="请各单位于月底前完成自查。",
            units=[self.finance],
        )
        self.assertEqual(notice.issuer, self.commission)
        self.assertEqual(
            set(NoticeReceipt.objects.filter(notice=notice).values_list("recipient__username", flat=True)),
            {"head", "monitor"},
        )
        self.assertTrue(Notification.objects.filter(recipient=self.head, title=notice.title).exists())
        self.login(self.head)
        self.assertContains(
            self.client.get(reverse("notifications:notice", args=[notice.pk])), "请各单位于月底前完成自查"
        )
        self.assertEqual(Leaf.objects.filter(action="notifications.read_notice").count(), 1)
        self.client.get(reverse("notifications:notice", args=[notice.pk]))
        self.assertEqual(
            Leaf.objects.filter(action="notifications.read_notice").count(), 1
        )  # the first reading
        self.login(self.clerk)  # not a recipient
        self.assertEqual(self.client.get(reverse("notifications:notice", args=[notice.pk])).status_code, 404)
        self.login(self.inspector, verified=True)
        page = self.client.get(reverse("notifications:notice", args=[notice.pk]))
        self.assertContains(page, 'id="receipts"')
        self.assertContains(page, "badge-yellow")  # the monitoring centre has not read it
        self.assertContains(self.client.get(reverse("notifications:notices")), "1 / 2")

    def test_it_refuses_notices_from_anyone_but_inspectors(self) -> None:
        with self.assertRaises(Refused):
            send_notice(self.as_actor(self.head), title="通知", body="正文", units=[self.finance])
        with self.assertRaises(ValidationError) as caught:
            send_notice(self.as_actor(self.inspector), title="", body="", units=[])
        self.assertEqual(set(caught.exception.message_dict), {"title", "body", "units"})

    def test_it_sends_a_notice_from_the_page(self) -> None:
        self.login(self.inspector, verified=True)
        response = self.client.post(
            reverse("notifications:new_notice"),
            {"title": "通知", "body": "正文", "units": [self.finance.pk, self.water.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(NoticeReceipt.objects.count(), 2)
