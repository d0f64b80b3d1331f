"""The monitoring centre's quarterly self-check and the paper archive comparison."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.tests.factories import at
from sunlight.cases import actions as case_actions
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.refusals import Refused
from sunlight.supervision.actions import submit_self_check
from sunlight.supervision.models import SelfCheck
from sunlight.supervision.reconciliation import compare_archives
from sunlight.test import Personas


class MonitoringCentreTests(Personas):
    def test_it_takes_one_self_check_per_quarter_with_its_figures(self) -> None:
        with at("2026-11-02"):
            start(self.as_actor(self.clerk), published())
        with at("2026-12-28"):
            check = submit_self_check(
                self.as_actor(self.monitor),
                unit=self.finance,
                year=2026,
                quarter=4,
                findings="无超期",
                measures="继续保持",
            )
            self.assertEqual(check.figures["cases_started"], 1)
            with self.assertRaises(ValidationError):
                submit_self_check(
                    self.as_actor(self.monitor),
                    unit=self.finance,
                    year=2026,
                    quarter=4,
                    findings="x",
                    measures="y",
                )
            with self.assertRaises(ValidationError):
                submit_self_check(
                    self.as_actor(self.monitor),
                    unit=self.finance,
                    year=2027,
                    quarter=1,
                    findings="x",
                    measures="y",
                )
            with self.assertRaises(Refused):
                submit_self_check(
                    self.as_actor(self.clerk),
                    unit=self.finance,
                    year=2026,
                    quarter=3,
                    findings="x",
                    measures="y",
                )
            self.login(self.monitor)
            response = self.client.post(
                reverse("supervision:self_checks"),
                {"year": 2026, "quarter": 3, "findings": "无", "measures": "无"},
            )
            self.assertRedirects(response, reverse("supervision:self_checks"))
        self.assertEqual(SelfCheck.objects.count(), 2)

    def test_it_lists_the_differences_between_paper_and_electronic_archives(self) -> None:
        definition = published()
        with at("2026-11-02"):
            done, _code = start(self.as_actor(self.clerk), definition)
            case_actions.withdraw_case(self.as_actor(self.clerk), done, reason="申请人撤回")
            unarchived, _code = start(self.as_actor(self.clerk), definition)
            case_actions.withdraw_case(self.as_actor(self.clerk), unarchived, reason="申请人撤回")
            start(self.as_actor(self.clerk), definition)  # still open: not archived yet
        register = f"档案号\n{done.number}\nCZJ-2026-999999\n".encode()
        with at("2026-11-30"):
            check = compare_archives(
                self.as_actor(self.monitor),
                unit=self.finance,
                start=dt.date(2026, 11, 1),
                end=dt.date(2026, 11, 30),
                data=register,
                file_name="纸质档案.csv",
            )
        self.assertEqual(check.paper_only, ["CZJ-2026-999999"])
        self.assertEqual(check.electronic_only, [unarchived.number])
        self.login(self.monitor)
        self.assertContains(
            self.client.get(reverse("supervision:archive_check", args=[check.pk])), "CZJ-2026-999999"
        )
