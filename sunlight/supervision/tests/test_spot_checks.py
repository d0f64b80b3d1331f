"""Business spot checks: cases drawn by a recorded seed, redrawn to verify, each result recorded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.alarms.tests.factories import at
from sunlight.cases.models import Case
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.supervision import actions
from sunlight.supervision.models import CheckResult, SpotCheck
from sunlight.test import Personas

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 6)


class SpotCheckTests(Personas):
    def setUp(self) -> None:
        definition = published()
        for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
            with at(day):
                for _n in range(4):
                    start(self.as_actor(self.clerk), definition)

    def draw(self, seed: int | None = 20261109, size: int = 5) -> SpotCheck:
        with at("2026-11-09"):
            return actions.draw_spot_check(
                self.as_actor(self.inspector), unit=self.finance, start=START, end=END, size=size, seed=seed
            )

    def test_it_draws_the_same_cases_from_the_same_seed(self) -> None:
        check = self.draw()
        drawn = list(check.items.order_by("position").values_list("case_id", flat=True))
        self.assertEqual(len(drawn), 5)
        self.assertEqual(check.population, 12)
        ids = sorted(Case.objects.values_list("pk", flat=True))
        self.assertEqual(drawn, actions.draw(ids, 20261109, 5))
        self.assertEqual(actions.redraw(check), (True, drawn))
        again = self.draw()
        self.assertEqual(list(again.items.order_by("position").values_list("case_id", flat=True)), drawn)
        self.assertNotEqual(list(self.draw(seed=7).items.values_list("case_id", flat=True)), drawn)
        leaf = Leaf.objects.filter(action="supervision.draw_spot_check").first()
        assert leaf is not None
        self.assertIn("20261109", leaf.data)

    def test_it_records_a_random_seed_when_none_is_given(self) -> None:
        check = self.draw(seed=None)
        self.assertGreater(check.seed, 0)
        self.assertTrue(actions.redraw(check)[0])

    def test_it_records_results_and_the_inspector_s_reads(self) -> None:
        check = self.draw(size=2)
        first, second = list(check.items.order_by("position"))
        self.login(self.inspector, verified=True)
        page = self.client.get(reverse("supervision:check_item", args=[check.pk, first.pk]))
        self.assertContains(page, first.case.number)
        self.assertTrue(
            Leaf.objects.filter(
                action="cases.read", object_id=str(first.case_id), actor_id=self.inspector.pk
            ).exists()
        )
        with at("2026-11-09"):
            with self.assertRaises(ValidationError):
                actions.conclude_spot_check(self.as_actor(self.inspector), check, conclusion="结论")
            actions.check_case(self.as_actor(self.inspector), first, result=CheckResult.COMPLIANT, finding="")
            response = self.client.post(
                reverse("supervision:check_item", args=[check.pk, second.pk]),
                {"result": CheckResult.PROBLEM, "finding": "受理材料缺少营业执照复印件", "raise_alarm": "on"},
            )
            self.assertRedirects(response, reverse("supervision:spot_check", args=[check.pk]))
            actions.conclude_spot_check(
                self.as_actor(self.inspector), check, conclusion="抽查2件，1件存在问题。"
            )
        self.assertEqual(Alarm.objects.get(kind=AlarmKind.OTHER).unit, self.finance)
        self.assertContains(
            self.client.get(reverse("supervision:spot_check", args=[check.pk]) + "?redraw=1"), "badge-green"
        )

    def test_it_refuses_a_spot_check_to_anyone_but_an_inspector(self) -> None:
        with at("2026-11-09"), self.assertRaises(Refused):
            actions.draw_spot_check(
                self.as_actor(self.monitor), unit=self.finance, start=START, end=END, size=2
            )

    def test_it_refuses_a_period_without_cases(self) -> None:
        with at("2026-11-09"), self.assertRaises(ValidationError):
            actions.draw_spot_check(
                self.as_actor(self.inspector), unit=self.water, start=START, end=END, size=2, seed=1
            )
