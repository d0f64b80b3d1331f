"""The daily computation by the timer loop, and the API."""

from __future__ import annotations

import datetime as dt

from sunlight.assessments import timers
from sunlight.assessments.models import Assessment
from sunlight.assessments.tests.helpers import at, one_step, red_alarm, start
from sunlight.ledger.models import Leaf
from sunlight.lib.timers import run_once
from sunlight.test import Personas


class TimerTests(Personas):
    def test_it_computes_the_running_and_the_previous_quarter_once_a_day(self) -> None:
        start(self.clerk, one_step("CZJ"), "2026-09-07")
        with at("2026-10-12", 9):
            done = run_once()
        self.assertEqual(done["assessments.compute"], 2 * 3)  # finance, water, e-government; two quarters
        self.assertGreater(done["assessments.summaries"], 0)
        self.assertEqual(
            sorted(Assessment.objects.values_list("quarter", "as_of")),
            [(3, dt.date(2026, 9, 30))] * 3 + [(4, dt.date(2026, 10, 12))] * 3,
        )
        with at("2026-10-12", 15):
            self.assertEqual(timers.compute_daily(), 0)  # already done today
        alarms = Assessment.objects.get(unit=self.finance, quarter=4).scores.get(indicator="alarms_per_100")
        red_alarm(self.finance, "2026-10-13", "new")
        leaves = Leaf.objects.filter(action="assessments.compute").count()
        with at("2026-10-13", 9):
            self.assertEqual(timers.compute_daily(), 6)
        # The previous quarter did not change: no leaf. The running quarter's drafts now count
        # through 13 October (one leaf each), finance's with the new alarm.
        self.assertEqual(Leaf.objects.filter(action="assessments.compute").count(), leaves + 3)
        finance = Assessment.objects.get(unit=self.finance, quarter=4).scores.get(indicator="alarms_per_100")
        self.assertEqual(finance.numerator, alarms.numerator + 1)


class ApiTests(Personas):
    def test_it_computes_and_reads_a_quarter_for_inspectors_only(self) -> None:
        start(self.clerk, one_step("CZJ"), "2026-07-06")
        self.login(self.monitor)
        with at("2026-10-12"):
            self.assertEqual(self.client.post("/api/v1/assessments/2026/3/compute").status_code, 403)
        self.login(self.inspector, verified=True)
        with at("2026-10-12"):
            computed = self.client.post("/api/v1/assessments/2026/3/compute")
        self.assertEqual(computed.status_code, 200)
        results = self.client.get("/api/v1/assessments/2026/3").json()
        finance = next(r for r in results if r["unit"] == self.finance.code)
        on_time = next(s for s in finance["scores"] if s["indicator"] == "on_time")
        self.assertEqual((on_time["value"], on_time["numerator"], on_time["denominator"]), (0, 0, 1))
        self.assertEqual(self.client.get("/api/v1/assessments/2026/5").status_code, 404)
