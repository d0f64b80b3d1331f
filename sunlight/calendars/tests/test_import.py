"""Importing a year from Excel or CSV: every problem reported by row, nothing written unless all is well."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook

from sunlight.calendars.imports import import_arrangement
from sunlight.calendars.models import HolidayArrangement
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, D
from sunlight.calendars.workdays import is_workday
from sunlight.ledger.models import Leaf

ROWS_2027 = [
    ["日期", "结束日期", "类型", "名称"],
    ["2027-01-01", "", "放假", "元旦"],
    ["2027/10/1", "2027/10/7", "放假", "国庆节"],
    ["2027年10月9日", "", "调休上班", "国庆节"],
]


def csv_file(rows: list[list[str]], encoding: str = "utf-8-sig") -> io.BytesIO:
    return io.BytesIO("\n".join(",".join(row) for row in rows).encode(encoding))


def xlsx_file(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


class ImportTests(CalendarTestCase):
    def run_import(self, file: io.BytesIO, **fields: Any) -> Any:
        with override("en"):
            return import_arrangement(
                self.as_actor(self.admin), file, year=2027, source=SOURCE_2027, **fields
            )

    def test_it_imports_a_csv_file(self) -> None:
        report = self.run_import(csv_file(ROWS_2027))
        self.assertTrue(report.ok, report)
        self.assertTrue(report.created)
        self.assertEqual(report.days, 9)
        self.assertFalse(is_workday(D(2027, 10, 5)))
        self.assertTrue(is_workday(D(2027, 10, 9)))

    def test_it_imports_a_csv_file_saved_by_chinese_excel(self) -> None:
        self.assertTrue(self.run_import(csv_file(ROWS_2027, "gb18030")).ok)

    def test_it_imports_a_workbook_with_date_cells_and_english_headers(self) -> None:
        rows: list[list[Any]] = [
            ["Date", "Until", "Kind", "Name"],
            [D(2027, 1, 1), None, "holiday", "New Year"],
            [D(2027, 10, 1), D(2027, 10, 7), "Holiday", "National Day"],
            [D(2027, 10, 9), None, "make-up workday", ""],
        ]
        report = self.run_import(xlsx_file(rows))
        self.assertTrue(report.ok, report)
        self.assertEqual(HolidayArrangement.objects.get().days.count(), 9)

    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        rows = [
            *ROWS_2027,
            ["2027-02-30", "", "放假", ""],  # row 5: no such date
            ["2027-05-01", "", "休假吧", ""],  # row 6: unknown kind
            ["2027-05-10", "", "调休上班", ""],  # row 7: a Monday
            ["2026-12-31", "", "放假", ""],  # row 8: not in 2027
            ["2027-06-10", "2027-06-01", "放假", ""],  # row 9: backwards
        ]
        report = self.run_import(csv_file(rows))
        self.assertFalse(report.ok)
        self.assertEqual([e.row for e in report.errors], [5, 6, 9, 7, 8])
        self.assertEqual([e.column for e in report.errors], ["Date", "Kind", "Until", "Date", "Date"])
        self.assertIn("is a Monday", report.errors[3].message)
        self.assertFalse(HolidayArrangement.objects.exists())
        self.assertFalse(Leaf.objects.filter(action__startswith="calendars.").exists())

    def test_it_names_a_missing_column_and_an_unreadable_file(self) -> None:
        report = self.run_import(csv_file([["日期", "名称"], ["2027-01-01", "元旦"]]))
        self.assertEqual([(e.row, e.column) for e in report.errors], [(1, "Kind")])
        report = self.run_import(io.BytesIO(b"PK\x03\x04 not really a zip"))
        self.assertIn("neither an Excel workbook", report.errors[0].message)

    def test_it_needs_a_reason_to_replace_an_entered_year(self) -> None:
        self.run_import(csv_file(ROWS_2027))
        changed = [*ROWS_2027, ["2027-10-08", "", "放假", "国庆节"]]
        report = self.run_import(csv_file(changed))
        self.assertEqual(set(report.field_errors), {"reason"})
        self.assertTrue(is_workday(D(2027, 10, 8)))
        report = self.run_import(csv_file(changed), reason="补充通知")
        self.assertTrue(report.ok, report)
        self.assertFalse(report.created)
        self.assertFalse(is_workday(D(2027, 10, 8)))
        self.assertEqual(HolidayArrangement.objects.get().revision, 2)

    def test_it_imports_through_the_page(self) -> None:
        self.login(self.admin, verified=True)
        url = reverse("calendars:import")
        self.assertEqual(self.client.get(url).status_code, 200)
        bad = SimpleUploadedFile(
            "2027.csv", csv_file([*ROWS_2027, ["2027-05-10", "", "上班", ""]]).getvalue()
        )
        response = self.client.post(url, {"year": "2027", "source": SOURCE_2027, "file": bad})
        self.assertContains(response, 'id="import-errors"')
        self.assertFalse(HolidayArrangement.objects.exists())
        good = SimpleUploadedFile("2027.csv", csv_file(ROWS_2027).getvalue())
        response = self.client.post(url, {"year": "2027", "source": SOURCE_2027, "file": good})
        self.assertRedirects(response, reverse("calendars:year", args=[2027]))
        self.assertTrue(HolidayArrangement.objects.filter(year=2027).exists())

    def test_it_reads_back_its_own_csv_download(self) -> None:
        self.login(self.clerk)
        with override("en"):
            exported = self.client.get(reverse("calendars:year_csv", args=[2026])).content
        with override("en"):
            report = import_arrangement(
                self.as_actor(self.admin), io.BytesIO(exported), year=2026, source="国办发明电〔2025〕7号"
            )
        self.assertTrue(report.ok, report)
        self.assertEqual(report.days, 39)
