"""The daily digest: one e-mail per person and day, listing the day's unread messages."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings

from sunlight.notifications.actions import notify
from sunlight.notifications.models import DigestSent, NotificationKind
from sunlight.notifications.timers import send_digests
from sunlight.test import Personas

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", NOTIFICATIONS_DIGEST_HOUR=8)
class DigestTests(Personas):
    def test_it_sends_one_digest_per_person_and_day(self) -> None:
        self.clerk.email = "clerk@czj.example"
        self.clerk.save(update_fields=["email"])
        import time_machine

        with time_machine.travel(dt.datetime(2026, 11, 2, 15, 0, tzinfo=SHANGHAI), tick=False):
            notify([self.clerk, self.chief], kind=NotificationKind.ALARM, title="黄牌预警", link="/alarms/1/")
            notify([self.clerk], kind=NotificationKind.ALARM, title="红牌报警")
        before = dt.datetime(2026, 11, 3, 7, 59, tzinfo=SHANGHAI)
        after = dt.datetime(2026, 11, 3, 8, 1, tzinfo=SHANGHAI)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(send_digests(before), 0)
            self.assertEqual(send_digests(after), 1)  # the chief has no e-mail address
            self.assertEqual(send_digests(after), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("黄牌预警", mail.outbox[0].body)
        self.assertIn("红牌报警", mail.outbox[0].body)
        self.assertEqual(DigestSent.objects.get().items, 2)
