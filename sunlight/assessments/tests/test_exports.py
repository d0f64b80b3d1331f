"""Every dashboard and assessment to Excel and PDF; exports by inspectors are in the ledger."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from sunlight.assessments import actions, summary
from sunlight.assessments.periods import Quarter
from sunlight.assessments.tests.helpers import at, finish, one_step, rate, red_alarm, start
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.test import Personas


class ExportTests(Personas):
    def setUp(self) -> None:
        case, code = start(self.clerk, one_step("CZJ"), "2026-07-06")
        finish(self.clerk, case, "2026-07-08")
        rate(case, code, 5, "2026-07-09")
        red_alarm(self.finance, "2026-07-14", "a")
        with at("2026-10-12"):
            summary.refresh()
            actions.compute_quarter(Actor.of(self.inspector), Quarter(2026, 3))

    def test_it_exports_the_district_dashboard_to_excel_and_records_it(self) -> None:
        self.login(self.inspector, verified=True)
        with at("2026-10-12"):
            response = self.client.get(
                reverse("assessments:dashboard_export", args=["xlsx"]), {"quarter": "2026-Q3"}
            )
        self.assertEqual(
            response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        book = load_workbook(io.BytesIO(response.content))
        self.assertEqual(len(book.sheetnames), 7)
        figures = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
        self.assertEqual(figures[2], "2026-07-01 – 2026-09-30")  # after the header and the scope
        self.assertEqual(figures[5], 1)  # cases accepted
        leaf = Leaf.objects.get(action="assessments.export")
        self.assertIn('"what":"dashboard"', leaf.data)
        self.assertIn("JW-IN01", leaf.data)

    def test_it_exports_the_dashboard_and_the_quarter_to_pdf(self) -> None:
        self.login(self.inspector, verified=True)
        with at("2026-10-12"):
            dashboard = self.client.get(
                reverse("assessments:dashboard_export", args=["pdf"]), {"quarter": "2026-Q3"}
            )
            quarter = self.client.get(reverse("assessments:quarter_export", args=[2026, 3, "pdf"]))
            unit = self.client.get(
                reverse("assessments:unit_export", args=[2026, 3, self.finance.pk, "xlsx"])
            )
        for response in (dashboard, quarter):
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertTrue(response.content.startswith(b"%PDF"))
        # The sheets are named in the viewer's language (Chinese by default).
        rows = list(load_workbook(io.BytesIO(unit.content))["指标"].iter_rows(values_only=True))
        self.assertEqual(len(rows), 1 + 8)
        self.assertEqual(Leaf.objects.filter(action="assessments.export").count(), 3)

    def test_it_lets_a_unit_export_its_own_dashboard_without_a_ledger_leaf(self) -> None:
        self.login(self.monitor)
        with at("2026-10-12"):
            response = self.client.get(
                reverse("assessments:unit_dashboard_export", args=["xlsx"]), {"quarter": "2026-Q3"}
            )
            self.assertEqual(self.client.get("/assessments/dashboard/unit/export.csv").status_code, 404)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Leaf.objects.filter(action="assessments.export").exists())
