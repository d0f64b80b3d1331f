"""Dashboards read the summary tables, which the timer keeps current by following the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.assessments import dashboards, summary, timers
from sunlight.assessments.models import (
    CaseFact,
    DailyAlarms,
    DailyCases,
    DailyRatings,
    MonthlyCases,
    MonthlyRatings,
    OpenCases,
    StepDays,
)
from sunlight.assessments.tests.helpers import at, finish, one_step, rate, red_alarm, staff_unit, start
from sunlight.cases import actions as case_actions
from sunlight.ledger.actor import Actor
from sunlight.test import Personas, assign, make_person, make_post


def table(model: Any) -> list[tuple[object, ...]]:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(tuple(getattr(row, f) for f in fields) for row in model.objects.all())


class SummaryTests(Personas):
    def setUp(self) -> None:
        self.definition = one_step("CZJ")
        self.water_def = one_step("SWJ")

    def make_history(self) -> None:
        first, code = start(self.clerk, self.definition, "2026-07-06")
        finish(self.clerk, first, "2026-07-08")
        rate(first, code, 5, "2026-07-09")
        late, _code = start(self.clerk, self.definition, "2026-07-06")
        finish(self.clerk, late, "2026-07-15")
        start(self.clerk, self.definition, "2026-07-07")
        start(self.outsider, self.water_def, "2026-07-07")
        red_alarm(self.finance, "2026-07-14", "a")

    def test_it_counts_cases_alarms_and_ratings_by_day_unit_and_category(self) -> None:
        self.make_history()
        with at("2026-07-20"):
            summary.refresh()
        started = {
            (row.day.isoformat(), row.unit_id): (row.started, row.running, row.approved)
            for row in DailyCases.objects.filter(started__gt=0)
        }
        self.assertEqual(
            started,
            {
                ("2026-07-06", self.finance.pk): (2, 0, 2),
                ("2026-07-07", self.finance.pk): (1, 1, 0),
                ("2026-07-07", self.water.pk): (1, 1, 0),
            },
        )
        concluded = {
            row.day.isoformat(): (row.concluded, row.on_time, row.late)
            for row in DailyCases.objects.filter(concluded__gt=0)
        }
        self.assertEqual(concluded, {"2026-07-08": (1, 1, 0), "2026-07-15": (1, 0, 1)})
        self.assertEqual(
            list(DailyAlarms.objects.values_list("unit_id", "kind", "level", "raised")),
            [(self.finance.pk, "case_overdue", "red", 1)],
        )
        # Open now, on 20 July: the finance case accepted on 7 July was due on 14 July.
        self.assertEqual(OpenCases.objects.get(unit_id=self.finance.pk).overdue, 1)
        # Working days per step: done the second day (2), and the seventh (7).
        self.assertEqual(sorted(StepDays.objects.values_list("days", "steps")), [(2, 1), (7, 1)])

    def test_it_is_idempotent_and_agrees_with_a_rebuild(self) -> None:
        self.make_history()
        with at("2026-07-20"):
            summary.refresh()
            models = (DailyCases, MonthlyCases, DailyAlarms, DailyRatings, MonthlyRatings, StepDays, CaseFact)
            before = [table(m) for m in models]
            summary.refresh()
            self.assertEqual([table(m) for m in models], before)
            summary.rebuild()
            self.assertEqual([table(m) for m in models], before)

    def test_it_reads_whole_months_from_the_monthly_rows_and_the_rest_by_day(self) -> None:
        for day in ("2026-06-30", "2026-07-01", "2026-07-15", "2026-08-03", "2026-08-31", "2026-09-01"):
            case, code = start(self.clerk, self.definition, day)
            finish(self.clerk, case, day)
            rate(case, code, 4 if day < "2026-08" else 2, day)
        with at("2026-10-12"):
            summary.refresh()
        for first, last in (
            ("2026-07-01", "2026-09-30"),
            ("2026-07-02", "2026-08-31"),
            ("2026-06-30", "2026-09-01"),
            ("2026-07-15", "2026-07-15"),
        ):
            filters = dashboards.Filters(
                dt.date.fromisoformat(first), dt.date.fromisoformat(last), "", None, ""
            )
            board = dashboards.build(filters, None)
            daily = DailyCases.objects.filter(day__gte=first, day__lte=last)
            self.assertEqual(board.cases["started"], sum(r.started for r in daily), (first, last))
            self.assertEqual(board.cases["concluded"], sum(r.concluded for r in daily), (first, last))
            ratings = DailyRatings.objects.filter(day__gte=first, day__lte=last)
            self.assertEqual(
                sum(r["count"] for r in board.ratings), sum(r.grade_4 + r.grade_2 for r in ratings)
            )

    def test_it_moves_a_case_from_open_to_concluded_on_its_start_day(self) -> None:
        case, _code = start(self.clerk, self.definition, "2026-07-06")
        with at("2026-07-06", 12):
            timers.refresh_summaries()
        row = DailyCases.objects.get(day="2026-07-06", unit_id=self.finance.pk)
        self.assertEqual((row.started, row.running, row.approved), (1, 1, 0))
        finish(self.clerk, case, "2026-07-30")
        with at("2026-07-30", 12):
            timers.refresh_summaries()
        row.refresh_from_db()
        self.assertEqual((row.started, row.running, row.approved), (1, 0, 1))
        late = DailyCases.objects.get(day="2026-07-30", unit_id=self.finance.pk)
        self.assertEqual((late.concluded, late.late), (1, 1))

    def test_it_follows_a_withdrawal(self) -> None:
        case, _code = start(self.clerk, self.definition, "2026-07-06")
        with at("2026-07-07"):
            case_actions.withdraw_case(Actor.of(self.clerk), case, reason="申请人撤回")
            summary.refresh()
        row = DailyCases.objects.get(day="2026-07-06", unit_id=self.finance.pk)
        self.assertEqual((row.started, row.withdrawn, row.concluded), (1, 1, 0))


class DashboardPageTests(Personas):
    def setUp(self) -> None:
        definition = one_step("CZJ")
        water = one_step("SWJ")
        first, code = start(self.clerk, definition, "2026-07-06")
        finish(self.clerk, first, "2026-07-08")
        rate(first, code, 4, "2026-07-09")
        start(self.outsider, water, "2026-10-12")
        red_alarm(self.finance, "2026-07-14", "a")
        red_alarm(self.water, "2026-10-13", "b")
        with at("2026-10-20"):
            summary.refresh()

    def get(self, **params: str) -> Any:
        with at("2026-10-20"):
            return self.client.get(reverse("assessments:dashboard"), params)

    def test_it_asks_inspectors_for_the_second_factor_and_refuses_units(self) -> None:
        self.login(self.inspector)
        response = self.get()
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:second_factor"), response["Location"])
        self.login(self.monitor)
        self.assertEqual(self.get().status_code, 403)
        self.login(self.clerk)
        self.assertEqual(self.get().status_code, 403)

    def test_it_shows_the_quarter_and_changes_with_the_filters(self) -> None:
        self.login(self.inspector, verified=True)
        page = self.get()  # 2026-Q4 to date: the water case and alarm
        board = page.context["board"]
        self.assertEqual((board.cases["started"], board.red_alarms), (1, 1))
        for chart in (
            "chart-states",
            "chart-trend",
            "chart-on-time",
            "chart-alarms",
            "chart-funds",
            "chart-ratings",
        ):
            self.assertContains(page, f'id="{chart}"')
            self.assertContains(page, f'id="{chart}-option" type="application/json"')
        q3 = self.get(quarter="2026-Q3").context["board"]
        self.assertEqual((q3.cases["started"], q3.cases["on_time"], q3.red_alarms), (1, 1, 1))
        self.assertEqual(q3.satisfaction_bp, 10000)
        dates = self.get(**{"from": "2026-07-01", "to": "2026-12-31"}).context["board"]
        self.assertEqual(dates.cases["started"], 2)
        water = self.get(**{"from": "2026-07-01", "to": "2026-12-31", "unit": str(self.water.pk)}).context[
            "board"
        ]
        self.assertEqual((water.cases["started"], water.red_alarms), (1, 1))
        licensing = self.get(**{"from": "2026-07-01", "to": "2026-12-31", "category": "licensing"}).context[
            "board"
        ]
        self.assertEqual(licensing.cases["started"], 0)

    def test_it_keeps_an_inspector_to_the_jurisdiction(self) -> None:
        water_inspector = make_person("inspector2", "周敏")
        assign(
            water_inspector,
            make_post(self.commission, "inspector", "JW-IN02", "纪检监察员", jurisdiction=[self.water]),
        )
        self.login(water_inspector, verified=True)
        board = self.get(**{"from": "2026-07-01", "to": "2026-12-31"}).context["board"]
        self.assertEqual((board.cases["started"], board.red_alarms), (1, 1))
        refused = self.get(unit=str(self.finance.pk))
        self.assertContains(refused, "notice-warning")
        self.assertEqual(refused.context["board"].filters.unit_id, None)

    def test_it_answers_in_a_fixed_number_of_queries_from_the_summaries(self) -> None:
        self.login(self.inspector, verified=True)
        params = {"from": "2026-07-01", "to": "2026-12-31"}
        self.get(**params)
        with CaptureQueriesContext(connection) as few:
            self.get(**params)
        unit, clerk, _monitor = staff_unit("区住建局", "ZJJ")
        definition = one_step("ZJJ")
        for day in ("2026-07-06", "2026-08-03", "2026-09-07", "2026-10-12"):
            for _n in range(3):
                case, _code = start(clerk, definition, day)
                finish(clerk, case, day)
            red_alarm(unit, day, f"zjj-{day}")
        with at("2026-10-20"):
            summary.refresh()
        with CaptureQueriesContext(connection) as many:
            page = self.get(**params)
        self.assertEqual(page.context["board"].cases["started"], 14)
        self.assertEqual(len(many), len(few))
        read = " ".join(q["sql"] for q in many.captured_queries)
        for source in ("cases_case", "alarms_alarm", "ratings_rating", "funds_payment"):
            self.assertNotIn(source, read)
        with self.assertNumQueries(len(few)):
            self.get(**params)

    def test_it_shows_a_unit_its_own_dashboard_only(self) -> None:
        self.login(self.monitor)
        with at("2026-10-20"):
            page = self.client.get(reverse("assessments:unit_dashboard"), {"quarter": "2026-Q3"})
            self.assertEqual(page.context["board"].filters.unit_id, self.finance.pk)
            self.assertEqual(page.context["board"].cases["started"], 1)
            other = self.client.get(reverse("assessments:unit_dashboard"), {"unit": str(self.water.pk)})
            self.assertEqual(other.context["board"].filters.unit_id, self.finance.pk)
        self.login(self.head)
        with at("2026-10-20"):
            self.assertEqual(self.client.get(reverse("assessments:unit_dashboard")).status_code, 200)
        self.login(self.clerk)
        with at("2026-10-20"):
            self.assertEqual(self.client.get(reverse("assessments:unit_dashboard")).status_code, 403)

    def test_it_answers_the_api_with_the_same_figures(self) -> None:
        self.login(self.inspector, verified=True)
        with at("2026-10-20"):
            body = self.client.get("/api/v1/dashboards/district", {"quarter": "2026-Q3"}).json()
        self.assertEqual(body["cases"]["started"], 1)
        self.assertEqual(body["on_time_bp"], 10000)
