"""Who hears of a new alarm: the post holders of the step, the unit's monitoring centre, and for
violations the inspectors supervising the unit."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from sunlight.alarms.models import Alarm
from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at
from sunlight.alarms.timers import run_notifications
from sunlight.cases import actions
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.refusals import Refused
from sunlight.notifications.models import Notification, NotificationKind
from sunlight.test import Personas


def recipients(alarm: Alarm) -> set[str]:
    return set(
        Notification.objects.filter(
            kind=NotificationKind.ALARM, link__endswith=f"/alarms/{alarm.pk}/"
        ).values_list("recipient__username", flat=True)
    )


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class AlarmNotificationTests(Personas):
    def test_it_tells_the_step_s_post_holders_and_the_monitoring_centre(self) -> None:
        self.monitor.email = "monitor@czj.example"
        self.monitor.save(update_fields=["email"])
        with at("2026-11-02"):
            start(self.as_actor(self.clerk), published())
            sweep()
        with at("2026-11-04"), self.captureOnCommitCallbacks(execute=True):
            sweep()
            self.assertEqual(run_notifications(), 2)  # the yellow and the red card of the window step
            self.assertEqual(run_notifications(), 0)
        red = Alarm.objects.get(level="red")
        self.assertEqual(recipients(red), {"clerk", "monitor"})
        self.assertEqual(len(mail.outbox), 1)  # the red card, to the one person with an address
        self.assertEqual(mail.outbox[0].to, ["monitor@czj.example"])
        self.assertIsNotNone(red.__class__.objects.get(pk=red.pk).notified_at)

    def test_it_tells_the_inspectors_of_a_violation_at_once(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            with self.assertRaises(Refused):
                actions.complete_step(
                    self.as_actor(self.outsider), case.steps.get(node_id="accept"), values={}
                )
            run_notifications()
        violation = Alarm.objects.get(kind="authority_violation")
        self.assertEqual(recipients(violation), {"monitor", "inspector"})
