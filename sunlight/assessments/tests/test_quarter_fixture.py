"""The assessment of a quarter equals a fixture computed by hand, for three units.

2026-Q3 (1 July – 30 September), computed on Monday 12 October 2026 (after the National Day
holiday, so every deadline of the quarter has passed). Every case below runs a one-step process
of 5 working days: accepted on Monday 6 July it is due on Monday 13 July.

The scheme (configured by the administrator), weight / zero point → full marks:
    on-time rate            20   50% → 100%         (basis points 5000 → 10000)
    red alarms per 100      15   100 → 0            (hundredths 10000 → 0)
    alarms unexplained      10   4 → 0
    rectification on time   10   0% → 100%
    satisfaction            15   50% → 100%
    reconciliation misses   10   4 → 0
    control plan            10   0% → 100%
    reports substantiated   10   2 → 0
points = weight × (value − zero) / (full − zero), in hundredths, rounded down, kept in [0, weight];
indicators with nothing to measure are left out and the rest scaled to 100.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sunlight.accounts.models import User
from sunlight.assessments import actions
from sunlight.assessments.models import Assessment, AssessmentGrade, Indicator, Score
from sunlight.assessments.periods import Quarter
from sunlight.assessments.tests.helpers import (
    add_monitor,
    at,
    explain,
    finish,
    one_step,
    rate,
    rectify,
    red_alarm,
    register,
    scheme,
    staff_unit,
    start,
)
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import Organisation
from sunlight.reports import actions as report_actions
from sunlight.risks import actions as risk_actions
from sunlight.risks import plans
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.supervision.reconciliation import compare_archives
from sunlight.test import Personas

Q3 = Quarter(2026, 3)
RULES: dict[str, tuple[int, int, int]] = {
    Indicator.ON_TIME: (20, 5000, 10000),
    Indicator.ALARMS_PER_100: (15, 10000, 0),
    Indicator.UNEXPLAINED: (10, 4, 0),
    Indicator.RECTIFICATION: (10, 0, 10000),
    Indicator.SATISFACTION: (15, 5000, 10000),
    Indicator.RECONCILIATION: (10, 4, 0),
    Indicator.CONTROL_PLAN: (10, 0, 10000),
    Indicator.REPORTS: (10, 2, 0),
}

# (value, points in hundredths) per indicator, worked out by hand.
FINANCE = {
    Indicator.ON_TIME: (10000, 2000),  # 4 concluded by 13 July of 4 → 100%: 20 × 1 = 20.00
    Indicator.ALARMS_PER_100: (2500, 1125),  # 1 alarm × 10000 // 4 cases = 2500; 15 × 7500/10000 = 11.25
    Indicator.UNEXPLAINED: (0, 1000),  # explained the next day
    Indicator.RECTIFICATION: (None, None),  # nothing due: left out
    Indicator.SATISFACTION: (10000, 1500),  # grades 5 and 4: 2/2
    Indicator.RECONCILIATION: (0, 1000),
    Indicator.CONTROL_PLAN: (10000, 1000),  # approved (100%), 2 items and no gap (100%): (10000+10000)//2
    Indicator.REPORTS: (0, 1000),
}
# Σ 2000+1125+1000+1500+1000+1000+1000 = 8625 over the 90 weights that apply:
# 8625 × 100 // 90 = 9583 → 95.83, 优秀.
WATER = {
    Indicator.ON_TIME: (6000, 400),  # 3 on time; 1 late, 1 open past due at the end: 3/5; 20 × 1000/5000
    Indicator.ALARMS_PER_100: (4000, 900),  # 2 × 10000 // 5 = 4000; 15 × 6000/10000 = 9.00
    Indicator.UNEXPLAINED: (1, 750),  # 10 × (1−4)/(0−4) = 7.50
    Indicator.RECTIFICATION: (10000, 1000),  # the bad rating's rectification done before 30 July
    Indicator.SATISFACTION: (6666, 499),  # 2/3 → 6666; 1500 × 1666 // 5000 = 499 (4.998 rounded down)
    Indicator.RECONCILIATION: (1, 750),  # one concluded case missing from the paper register
    Indicator.CONTROL_PLAN: (6333, 633),  # submitted 6000; 3 items, 1 gap → 6666; (6000+6666)//2 = 6333
    Indicator.REPORTS: (0, 1000),
}
# Σ 400+900+750+1000+499+750+633+1000 = 5932 → 59.32; the commission adds +2.00: 61.32, 合格.
BUILDING = {
    Indicator.ON_TIME: (2500, 0),  # 1 on time; 2 late, 1 open past due: 1/4, below the zero point
    Indicator.ALARMS_PER_100: (7500, 375),  # 3 × 10000 // 4 = 7500; 15 × 2500/10000 = 3.75
    Indicator.UNEXPLAINED: (3, 250),  # none explained: 10 × (3−4)/(0−4) = 2.50
    Indicator.RECTIFICATION: (0, 0),  # the bad rating's rectification never done
    Indicator.SATISFACTION: (0, 0),  # one rating, dissatisfied
    Indicator.RECONCILIATION: (2, 500),  # two concluded cases missing from the paper register
    Indicator.CONTROL_PLAN: (0, 0),  # no plan filed
    Indicator.REPORTS: (1, 500),  # one substantiated: 10 × (1−2)/(0−2) = 5.00
}
# Σ 0+375+250+0+0+500+0+500 = 1625 → 16.25, 不合格, with a letter draft.
# The e-government office (no case, no plan) scores 4500 over 55 weights: 8181 → 81.81, 良好.
# Ranks: finance 95.83 (1), e-government 81.81 (2), water 61.32 (3), building 16.25 (4).


class QuarterFixtureTests(Personas):
    water_monitor: User
    building: Organisation
    building_clerk: User
    building_monitor: User
    cases: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with at("2026-07-01"):
            scheme(cls.admin, 2026, RULES)
        cls.water_monitor = add_monitor(cls.water, "SWJ")
        cls.building, cls.building_clerk, cls.building_monitor = staff_unit("区住建局", "ZJJ")
        finance, water, building = one_step("CZJ"), one_step("SWJ"), one_step("ZJJ")
        cls.cases = {}
        cls._finance(finance)
        cls._water(water)
        cls._building(building)
        with at("2026-10-12"):
            actions.compute_quarter(Actor.of(cls.inspector), Q3)
            water_assessment = Assessment.objects.get(unit=cls.water, year=2026, quarter=3)
            actions.add_manual_item(
                Actor.of(cls.inspector), water_assessment, points_centi=200, reason="主动查纠问题并整改到位"
            )

    @classmethod
    def _finance(cls, definition: Any) -> None:
        monitor = Actor.of(cls.monitor)
        with at("2026-07-02"):
            risk_actions.create_risk_point(
                monitor, cls.finance, point_data(power="", post="CZJ-MC01"), measures=[measure_data()]
            )
            plan = plans.create_plan(monitor, cls.finance, title="区财政局廉政风险防控方案")
        with at("2026-07-03"):
            plans.submit_plan(monitor, plan, note="请审核")
        with at("2026-07-10"):
            plans.approve_plan(Actor.of(cls.inspector), plan)
        started = [start(cls.clerk, definition, "2026-07-06") for _n in range(4)]
        for case, _code in started:
            finish(cls.clerk, case, "2026-07-08")
        rate(started[0][0], started[0][1], 5, "2026-07-09")
        rate(started[1][0], started[1][1], 4, "2026-07-09")
        alarm = red_alarm(cls.finance, "2026-07-13", "czj-1", started[0][0])
        explain(cls.monitor, alarm, "2026-07-14")

    @classmethod
    def _water(cls, definition: Any) -> None:
        monitor = Actor.of(cls.water_monitor)
        with at("2026-07-02"):
            risk_actions.create_risk_point(
                monitor,
                cls.water,
                point_data(power="", post="SWJ-MC01"),
                measures=[measure_data(owner="SWJ-MC01")],
            )
            risk_actions.create_risk_point(
                monitor, cls.water, point_data(power="", post="SWJ-MC01"), measures=[]
            )
            plan = plans.create_plan(monitor, cls.water, title="区水务局廉政风险防控方案")
        with at("2026-07-03"):
            plans.submit_plan(monitor, plan)
        started = [start(cls.outsider, definition, "2026-07-06") for _n in range(4)]
        for case, _code in started[:3]:
            finish(cls.outsider, case, "2026-07-08")
        finish(cls.outsider, started[3][0], "2026-07-15")  # due 13 July: late
        cls.cases["water_open"] = start(cls.outsider, definition, "2026-08-03")[
            0
        ]  # due 10 August, never done
        rate(started[0][0], started[0][1], 5, "2026-07-09")
        rate(started[1][0], started[1][1], 4, "2026-07-09")
        bad = rate(started[2][0], started[2][1], 1, "2026-07-09")  # rectification due 30 July
        rectify(cls.water_monitor, bad, "2026-07-20")
        explained = red_alarm(cls.water, "2026-07-13", "swj-1")
        explain(cls.water_monitor, explained, "2026-07-14")
        cls.cases["water_unexplained"] = red_alarm(cls.water, "2026-07-16", "swj-2")
        with at("2026-09-10"):
            numbers = [case.number for case, _code in started[:3]]
            compare_archives(
                monitor,
                unit=cls.water,
                start=dt.date(2026, 7, 1),
                end=dt.date(2026, 8, 31),
                data=register(numbers),
                file_name="档案登记簿.csv",
            )
        cls.cases["water_missing"] = started[3][0]

    @classmethod
    def _building(cls, definition: Any) -> None:
        clerk = cls.building_clerk
        started = [start(clerk, definition, "2026-07-06") for _n in range(4)]
        finish(clerk, started[0][0], "2026-07-08")
        finish(clerk, started[1][0], "2026-07-15")
        finish(clerk, started[2][0], "2026-07-15")
        rate(started[1][0], started[1][1], 2, "2026-07-16")  # rectification due 6 August, never done
        cls.cases["building_late"] = [c.pk for c, _code in started[1:]]
        cls.cases["building_alarms"] = [
            red_alarm(cls.building, day, f"zjj-{n}").pk
            for n, day in enumerate(("2026-07-13", "2026-07-14", "2026-07-15"))
        ]
        with at("2026-09-10"):
            compare_archives(
                Actor.of(cls.building_monitor),
                unit=cls.building,
                start=dt.date(2026, 7, 1),
                end=dt.date(2026, 8, 31),
                data=register([started[0][0].number]),
                file_name="档案登记簿.csv",
            )
        with at("2026-07-20"):
            report, _receipt = report_actions.submit(
                subject_kind="unit", unit=cls.building, text="施工许可审批中吃拿卡要", name="", contact=""
            )
            report_actions.assign(Actor.of(cls.inspector), report, [cls.inspector])
            report_actions.accept(Actor.of(cls.inspector), report)
        with at("2026-08-05"):
            report_actions.conclude(
                Actor.of(cls.inspector),
                report,
                finding="substantiated",
                verification="经核查属实",
                reply="已查实处理",
            )
        cls.cases["report"] = report.pk

    def scores(self, unit: Any) -> dict[str, tuple[int | None, int | None]]:
        return {
            s.indicator: (s.value, s.points_centi)
            for s in Score.objects.filter(assessment__unit=unit, assessment__year=2026, assessment__quarter=3)
        }

    def assessment(self, unit: Any) -> Assessment:
        return Assessment.objects.get(unit=unit, year=2026, quarter=3)

    def test_it_computes_every_indicator_as_the_hand_computed_fixture(self) -> None:
        self.assertEqual(self.scores(self.finance), FINANCE)
        self.assertEqual(self.scores(self.water), WATER)
        self.assertEqual(self.scores(self.building), BUILDING)

    def test_it_totals_grades_and_ranks_as_the_fixture(self) -> None:
        expected = {
            self.finance: (8625 * 100 // 90, 0, 9583, AssessmentGrade.EXCELLENT, 1),
            self.egov: (4500 * 100 // 55, 0, 8181, AssessmentGrade.GOOD, 2),
            self.water: (5932, 200, 6132, AssessmentGrade.PASS, 3),
            self.building: (1625, 0, 1625, AssessmentGrade.FAIL, 4),
        }
        for unit, (auto, manual, total, grade, rank) in expected.items():
            found = self.assessment(unit)
            self.assertEqual(
                (found.auto_centi, found.manual_centi, found.total_centi, found.grade, found.rank),
                (auto, manual, total, grade, rank),
                unit.name,
            )
        self.assertFalse(Assessment.objects.filter(unit=self.commission).exists())

    def test_it_drafts_the_recommendation_letter_for_the_failing_unit_only(self) -> None:
        letter = self.assessment(self.building).letter_draft
        self.assertIn("区住建局：", letter)
        self.assertIn("2026年第3季度", letter)
        self.assertIn("16.25分，等次为不合格", letter)
        self.assertIn("办件按时办结率：25.00%，得分0.00分（满分20分）", letter)
        self.assertIn("举报查实数：1，得分5.00分（满分10分）", letter)
        for unit in (self.finance, self.water, self.egov):
            self.assertEqual(self.assessment(unit).letter_draft, "", unit.name)

    def test_it_keeps_the_records_behind_each_figure(self) -> None:
        building = Score.objects.filter(assessment__unit=self.building, assessment__quarter=3)
        on_time = building.get(indicator=Indicator.ON_TIME).evidence["groups"]
        self.assertEqual(on_time["late"]["case"], self.cases["building_late"])
        unexplained = building.get(indicator=Indicator.UNEXPLAINED).evidence["groups"]
        self.assertEqual(unexplained["unexplained"]["alarm"], self.cases["building_alarms"])
        reports = building.get(indicator=Indicator.REPORTS).evidence["groups"]
        self.assertEqual(reports["substantiated"]["report"], [self.cases["report"]])
        water = Score.objects.filter(assessment__unit=self.water, assessment__quarter=3)
        late = water.get(indicator=Indicator.ON_TIME).evidence["groups"]["late"]["case"]
        self.assertIn(self.cases["water_open"].pk, late)
        self.assertEqual(
            water.get(indicator=Indicator.UNEXPLAINED).evidence["groups"]["unexplained"]["alarm"],
            [self.cases["water_unexplained"].pk],
        )
        misses = water.get(indicator=Indicator.RECONCILIATION).evidence["groups"]["misses"]["archive"]
        self.assertEqual([m.split(":")[1] for m in misses], [self.cases["water_missing"].number])

    def test_it_records_the_computation_and_recomputes_idempotently(self) -> None:
        computed = Leaf.objects.filter(action="assessments.compute")
        self.assertEqual(computed.count(), 4)
        self.assertIn('"on_time":2500', computed.get(object_id=str(self.assessment(self.building).pk)).data)
        with at("2026-10-12", 15):
            actions.compute_quarter(Actor.of(self.inspector), Q3)
        self.assertEqual(computed.count(), 4)
        self.assertEqual(self.assessment(self.water).total_centi, 6132)  # the manual item is kept
