"""Online patrols: findings recorded in the ledger; a violation raises an alarm for the unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.models import Alarm, AlarmState
from sunlight.ledger.models import Leaf
from sunlight.supervision import actions
from sunlight.supervision.models import Patrol, Severity
from sunlight.test import Personas


class PatrolTests(Personas):
    def test_it_records_a_patrol_and_raises_an_alarm_for_a_violation(self) -> None:
        patrol = actions.start_patrol(
            self.as_actor(self.inspector), scope="财政票据领购审批网上巡查", unit=self.finance
        )
        actions.add_finding(
            self.as_actor(self.inspector),
            patrol,
            unit=self.finance,
            severity=Severity.NOTE,
            description="办理规范",
        )
        finding = actions.add_finding(
            self.as_actor(self.inspector),
            patrol,
            unit=self.finance,
            severity=Severity.VIOLATION,
            description="窗口超范围收取材料",
        )
        assert finding.alarm is not None
        self.assertEqual((finding.alarm.unit, finding.alarm.state), (self.finance, AlarmState.RAISED))
        with self.assertRaises(ValidationError):
            actions.add_finding(
                self.as_actor(self.inspector),
                patrol,
                unit=self.water,
                severity=Severity.NOTE,
                description="x",
            )
        actions.close_patrol(self.as_actor(self.inspector), patrol, summary="巡查发现1个问题。")
        with self.assertRaises(ValidationError):
            actions.close_patrol(self.as_actor(self.inspector), patrol, summary="again")
        self.assertEqual(
            list(Leaf.objects.about("supervision.patrol", patrol.pk).values_list("action", flat=True)),
            [
                "supervision.start_patrol",
                "supervision.add_finding",
                "supervision.add_finding",
                "supervision.close_patrol",
            ],
        )
        self.assertEqual(Alarm.objects.count(), 1)

    def test_it_runs_a_patrol_from_the_pages(self) -> None:
        self.login(self.inspector, verified=True)
        response = self.client.post(reverse("supervision:patrols"), {"scope": "月度巡查", "unit": ""})
        patrol = Patrol.objects.get()
        self.assertRedirects(response, reverse("supervision:patrol", args=[patrol.pk]))
        done = self.client.post(
            reverse("supervision:patrol", args=[patrol.pk]),
            {
                "unit": self.water.pk,
                "severity": Severity.CONCERN,
                "description": "网上公开信息未及时更新",
                "case_number": "",
            },
        )
        self.assertRedirects(done, reverse("supervision:patrol", args=[patrol.pk]))
        self.assertContains(self.client.get(reverse("supervision:patrols")), "月度巡查")
