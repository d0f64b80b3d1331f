"""The alarm pages: a monitoring centre sees its own unit only, inspectors need the second factor."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation
from sunlight.test import Personas, assign, make_person, make_post


def alarm_of(unit: Organisation, key: str, kind: AlarmKind = AlarmKind.CASE_OVERDUE) -> Alarm:
    alarm, _created = raise_alarm(
        Actor.system(),
        kind=kind,
        level=AlarmLevel.RED,
        message=f"{unit.name} 超期",
        dedupe_key=key,
        unit=unit,
    )
    return alarm


class AlarmPageTests(Personas):
    def setUp(self) -> None:
        self.own = alarm_of(self.finance, "a")
        self.other = alarm_of(self.water, "b")

    def test_it_shows_a_monitoring_centre_only_its_own_unit(self) -> None:
        self.login(self.monitor)
        page = self.client.get(reverse("alarms:list"))
        self.assertContains(page, f'data-alarm="{self.own.pk}"')
        self.assertNotContains(page, f'data-alarm="{self.other.pk}"')
        self.assertEqual(self.client.get(reverse("alarms:detail", args=[self.other.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("alarms:detail", args=[self.own.pk])).status_code, 200)

    def test_it_lets_the_monitoring_centre_explain_from_the_page(self) -> None:
        self.login(self.monitor)
        url = reverse("alarms:take", args=[self.own.pk, "explain"])
        empty = self.client.post(url, {"explain-text": ""})
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, "errorlist", status_code=400)
        done = self.client.post(url, {"explain-text": "已说明情况"})
        self.assertRedirects(done, reverse("alarms:detail", args=[self.own.pk]))
        self.own.refresh_from_db()
        self.assertEqual(self.own.state, AlarmState.EXPLAINED)
        # Another unit's alarm is not even found.
        self.assertEqual(
            self.client.post(
                reverse("alarms:take", args=[self.other.pk, "explain"]), {"explain-text": "x"}
            ).status_code,
            404,
        )

    def test_it_asks_an_inspector_for_the_second_factor(self) -> None:
        self.login(self.inspector)
        response = self.client.get(reverse("alarms:list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:second_factor"), response["Location"])
        self.login(self.inspector, verified=True)
        page = self.client.get(reverse("alarms:detail", args=[self.other.pk]))
        self.assertContains(page, 'id="step-verify"')
        self.assertNotContains(page, 'id="step-explain"')

    def test_it_keeps_staff_without_a_monitoring_or_inspector_post_out(self) -> None:
        self.login(self.clerk)
        self.assertEqual(self.client.get(reverse("alarms:list")).status_code, 403)

    def test_it_lists_alarms_in_a_fixed_number_of_queries(self) -> None:
        self.login(self.inspector, verified=True)
        self.client.get(reverse("alarms:list"))  # warm caches (session, calendar)
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("alarms:list"))
        for n in range(30):
            alarm_of(self.finance, f"many-{n}")
        with CaptureQueriesContext(connection) as many:
            self.assertContains(self.client.get(reverse("alarms:list")), "data-alarm=", count=32)
        self.assertEqual(len(many), len(few))
        self.assertLessEqual(len(many), 11)  # 10, and the unread badge once base.html shows it

    def test_it_raises_an_alarm_by_hand_from_the_page(self) -> None:
        water_monitor = make_person("swjmonitor", "许静")
        assign(water_monitor, make_post(self.water, "monitor", "SWJ-MC01", "监管员"))
        self.login(water_monitor)
        response = self.client.post(
            reverse("alarms:new"),
            {"kind": AlarmKind.OTHER, "unit": self.water.pk, "message": "窗口私自收取材料费"},
        )
        alarm = Alarm.objects.latest("pk")
        self.assertRedirects(response, reverse("alarms:detail", args=[alarm.pk]))
        self.assertEqual((alarm.unit, alarm.kind), (self.water, AlarmKind.OTHER))
        # The form offers only the units this person may raise alarms for.
        self.assertEqual(
            self.client.post(
                reverse("alarms:new"), {"kind": "other", "unit": self.finance.pk, "message": "x"}
            ).status_code,
            200,
        )

    def test_it_lists_what_waits_on_the_monitoring_centre(self) -> None:
        self.login(self.monitor)
        to_explain = self.client.get(reverse("alarms:list") + "?state=to_explain")
        self.assertContains(to_explain, f'data-alarm="{self.own.pk}"')
        to_rectify = self.client.get(reverse("alarms:list") + "?state=to_rectify")
        self.assertNotContains(to_rectify, f'data-alarm="{self.own.pk}"')

    def test_it_serves_the_disposal_over_the_api(self) -> None:
        self.login(self.monitor)
        listed = self.client.get("/api/v1/alarms").json()
        self.assertEqual([a["id"] for a in listed], [self.own.pk])
        explained = self.client.post(
            f"/api/v1/alarms/{self.own.pk}/explain", {"text": "已说明"}, content_type="application/json"
        )
        self.assertEqual(explained.json()["state"], AlarmState.EXPLAINED)
        refused = self.client.post(
            f"/api/v1/alarms/{self.own.pk}/verify", {"text": "自己核查"}, content_type="application/json"
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(self.client.get(f"/api/v1/alarms/{self.other.pk}").status_code, 404)

    def test_it_pages_through_a_long_list_keeping_the_filter(self) -> None:
        for n in range(55):
            alarm_of(self.finance, f"page-{n}")
        self.login(self.monitor)
        page = self.client.get(reverse("alarms:list") + "?state=to_explain")
        self.assertContains(page, "?state=to_explain&amp;page=2")
        self.assertContains(
            self.client.get(reverse("alarms:list") + "?state=to_explain&page=2"), "data-alarm=", count=6
        )
