"""The supervision console: only with the second factor, over the jurisdiction, in a fixed
number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at
from sunlight.cases.tests.factories import published, start
from sunlight.test import Personas, assign, make_person, make_post


class ConsoleTests(Personas):
    def test_it_refuses_the_console_without_the_second_factor(self) -> None:
        self.login(self.inspector)
        response = self.client.get(reverse("supervision:console"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:second_factor"), response["Location"])
        self.assertEqual(self.client.get("/api/v1/supervision/console").status_code, 403)

    def test_it_refuses_the_console_to_a_monitoring_centre(self) -> None:
        self.login(self.monitor)
        self.assertEqual(self.client.get(reverse("supervision:console")).status_code, 403)

    def test_it_shows_open_and_overdue_work_and_alarms(self) -> None:
        definition = published()
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), definition)
        with at("2026-11-04"):
            sweep()
            self.login(self.inspector, verified=True)
            page = self.client.get(reverse("supervision:console"))
            self.assertContains(page, case.number)
            self.assertContains(page, 'id="work-due"')
            self.assertContains(page, 'id="red-alarms"')
            self.assertEqual(page.context["counts"]["steps"]["overdue"], 1)
            self.assertEqual(page.context["counts"]["cases"]["open"], 1)
            self.assertEqual(page.context["counts"]["alarms"]["red"], 1)
            body = self.client.get("/api/v1/supervision/console").json()
            self.assertEqual(body["steps"]["overdue"], 1)

    def test_it_limits_an_inspector_to_the_jurisdiction(self) -> None:
        water_inspector = make_person("inspector2", "周敏")
        assign(
            water_inspector,
            make_post(self.commission, "inspector", "JW-IN02", "纪检监察员", jurisdiction=[self.water]),
        )
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
        with at("2026-11-04"):
            sweep()
            self.login(water_inspector, verified=True)
            page = self.client.get(reverse("supervision:console"))
        self.assertNotContains(page, case.number)
        self.assertEqual(page.context["counts"]["alarms"]["red"], 0)

    def test_it_answers_in_a_fixed_number_of_queries(self) -> None:
        definition = published()
        self.login(self.inspector, verified=True)
        with at("2026-11-02"):
            start(self.as_actor(self.clerk), definition)
        with at("2026-11-04"):
            sweep()
            self.client.get(reverse("supervision:console"))
            with CaptureQueriesContext(connection) as few:
                self.client.get(reverse("supervision:console"))
        with at("2026-11-02"):
            for _n in range(10):
                start(self.as_actor(self.clerk), definition)
        with at("2026-11-04"):
            sweep()
            with CaptureQueriesContext(connection) as many:
                self.client.get(reverse("supervision:console"))
        self.assertEqual(len(many), len(few))
        self.assertLessEqual(len(many), 22)  # 21, and the unread badge once base.html shows it
