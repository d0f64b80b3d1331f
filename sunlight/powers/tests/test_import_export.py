import io
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from sunlight.ledger.models import Leaf
from sunlight.powers import actions
from sunlight.powers.content import content_of
from sunlight.powers.excel import PART_SHEETS, POWERS, export_workbook, import_workbook, latest_versions
from sunlight.powers.models import (
    BasisKind,
    BodyNature,
    ExerciseLevel,
    LimitUnit,
    MaterialForm,
    PowerCategory,
    PowerItem,
    PowerVersion,
    ResponsibilityStage,
    VersionState,
)
from sunlight.test import Personas, system


def zh(text: Any) -> str:
    with override("zh-hans"):
        return str(text)


ESTABLISHING = zh(BasisKind.ESTABLISHING.label)
IMPLEMENTING = zh(BasisKind.IMPLEMENTING.label)


def power_row(code: str, name: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "code": code,
        "unit": "区财政局",
        "name": name,
        "category": zh(PowerCategory.LICENSING.label) if "-XK-" in code else zh(PowerCategory.PENALTY.label),
        "sub_items": "",
        "implementing_body": "区财政局",
        "body_nature": zh(BodyNature.STATUTORY.label),
        "entrusting_body": "",
        "office": "行政审批股",
        "posts": "CZJ-CK01,CZJ-SC01",
        "exercise_level": zh(ExerciseLevel.DISTRICT.label),
        "statutory_limit": 20,
        "statutory_limit_unit": zh(LimitUnit.WORKING_DAYS.label),
        "committed_limit": 10,
        "committed_limit_unit": zh(LimitUnit.WORKING_DAYS.label),
        "conditions": "具有独立承担民事责任的能力",
        "result_document": "批准文书",
        "consultation_phone": "0731-88080001",
        "valid_from": "2020-01-01",
    }
    row.update(overrides)
    return row


def workbook(powers: list[dict[str, Any]], **parts: list[list[Any]]) -> io.BytesIO:
    """A workbook in the export's Chinese layout: powers by column key, parts as rows after the header."""
    book = Workbook()
    book.remove(book.active)
    ws = book.create_sheet(zh(POWERS.label))
    ws.append([zh(c.label) for c in POWERS.columns])
    for power in powers:
        ws.append([power.get(c.key, "") for c in POWERS.columns])
    for key, rows in parts.items():
        sheet = PART_SHEETS[key]
        ws = book.create_sheet(zh(sheet.label))
        ws.append([zh(c.label) for c in sheet.columns])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def good_file(**power_overrides: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, list[list[Any]]]]:
    powers = [
        power_row("CZJ-XK-0001", "政府采购代理机构资格认定", sub_items="新办\n延续"),
        power_row("CZJ-XK-0002", "会计代理记账机构审批"),
        power_row(
            "CZJ-CF-0001",
            "对违反规定印制财政票据的处罚",
            statutory_limit=90,
            statutory_limit_unit=zh(LimitUnit.CALENDAR_DAYS.label),
            committed_limit=60,
            committed_limit_unit=zh(LimitUnit.CALENDAR_DAYS.label),
        ),
    ]
    for index, overrides in power_overrides.items():
        powers[int(index[1:])].update(overrides)
    parts: dict[str, list[list[Any]]] = {
        "legal_bases": [
            ["CZJ-XK-0001", ESTABLISHING, "《中华人民共和国政府采购法》", "第十九条", "", "2003-01-01", ""],
            ["CZJ-XK-0002", ESTABLISHING, "《中华人民共和国会计法》", "第三十六条", "", "", ""],
            ["CZJ-CF-0001", ESTABLISHING, "《财政票据管理办法》", "第三十八条", "", "2013-01-01", ""],
            ["CZJ-CF-0001", IMPLEMENTING, "《中华人民共和国行政处罚法》", "第六十条", "", "2021-07-15", ""],
        ],
        "fees": [["CZJ-XK-0001", "工本费", "10.50", "", "湘发改价费〔2016〕12号"]],
        "materials": [
            ["CZJ-XK-0001", "申请书", zh(MaterialForm.ORIGINAL.label), 1, "是", ""],
            ["CZJ-XK-0001", "营业执照", zh(MaterialForm.COPY.label), 2, "是", ""],
        ],
        "special_procedures": [["CZJ-XK-0001", "专家评审", 10, "《政府采购法实施条例》第十二条", "否"]],
        "accountability": [
            ["CZJ-XK-0001", zh(ResponsibilityStage.ACCEPTANCE.label), "对符合条件的申请不予受理的"]
        ],
    }
    return powers, parts


class PowerImportTests(Personas):
    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        powers, parts = good_file(
            p0={"committed_limit": 25},  # longer than the statutory 20 working days
            p1={"category": "行政审查（不存在）"},  # not a category
        )
        parts["legal_bases"][2][5] = "2013-13-01"  # not a date
        leaves = Leaf.objects.count()
        with override("zh-hans"):
            report = import_workbook(self.as_actor(self.chief), workbook(powers, **parts))
        found = {(e.sheet, e.row, e.column) for e in report.errors}
        self.assertEqual(
            found,
            {
                (zh(POWERS.label), 2, zh(POWERS.column_label("committed_limit"))),
                (zh(POWERS.label), 3, zh(POWERS.column_label("category"))),
                (
                    zh(PART_SHEETS["legal_bases"].label),
                    4,
                    zh(PART_SHEETS["legal_bases"].column_label("effective_from")),
                ),
            },
            report.errors,
        )
        self.assertFalse(PowerItem.objects.exists())
        self.assertEqual(Leaf.objects.count(), leaves)

    def test_it_imports_the_corrected_file_through_the_actions(self) -> None:
        powers, parts = good_file()
        seen: list[tuple[int, int]] = []
        report = import_workbook(
            self.as_actor(self.chief), workbook(powers, **parts), lambda d, t: seen.append((d, t))
        )
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(report.created, 3)
        self.assertEqual(seen[-1], (3, 3))
        version = PowerVersion.objects.get(item__code="CZJ-XK-0001")
        data = content_of(version)
        self.assertEqual(data.sub_items, ("新办", "延续"))
        self.assertEqual(data.fees[0].amount_fen, 1050)
        self.assertEqual(data.posts, ("CZJ-CK01", "CZJ-SC01"))
        self.assertEqual(Leaf.objects.filter(action="powers.create").count(), 3)

    def test_it_round_trips_an_export_without_loss(self) -> None:
        powers, parts = good_file()
        import_workbook(self.as_actor(self.chief), workbook(powers, **parts))
        actions.submit_versions(self.as_actor(self.leader), list(PowerVersion.objects.all()))
        actions.approve_versions(self.as_actor(self.inspector), list(PowerVersion.objects.all()))
        before = {v.item.code: content_of(v) for v in PowerVersion.objects.all()}
        for language in ("zh-hans", "en"):
            with override(language):
                exported = export_workbook(latest_versions([self.finance.pk]))
                report = import_workbook(self.as_actor(self.chief), io.BytesIO(exported))
            self.assertTrue(report.ok, report.errors)
            self.assertEqual((report.created, report.changed, report.unchanged), (0, 0, 3), language)
        self.assertEqual({v.item.code: content_of(v) for v in PowerVersion.objects.all()}, before)
        self.assertIn("Power list", load_workbook(io.BytesIO(exported)).sheetnames)

    def test_it_drafts_a_new_version_when_a_published_power_changes(self) -> None:
        powers, parts = good_file()
        import_workbook(self.as_actor(self.chief), workbook(powers, **parts))
        actions.submit_versions(self.as_actor(self.leader), list(PowerVersion.objects.all()))
        actions.approve_versions(self.as_actor(self.inspector), list(PowerVersion.objects.all()))
        powers[1].update(committed_limit=5, valid_from="2024-01-01")
        report = import_workbook(self.as_actor(self.chief), workbook(powers, **parts))
        self.assertTrue(report.ok, report.errors)
        self.assertEqual((report.changed, report.unchanged), (1, 2))
        newest = PowerVersion.objects.filter(item__code="CZJ-XK-0002").order_by("-number").first()
        assert newest is not None
        self.assertEqual((newest.number, newest.state, newest.committed_limit), (2, VersionState.DRAFT, 5))

    def test_it_refuses_rows_of_another_unit_and_records_the_attempt(self) -> None:
        powers, parts = good_file()
        report = import_workbook(self.as_actor(self.outsider), workbook(powers, **parts))
        self.assertEqual(len(report.errors), 3)
        self.assertFalse(PowerItem.objects.exists())
        self.assertEqual(Leaf.objects.filter(action="refused").count(), 3)

    def test_it_imports_from_the_command_line_with_progress(self) -> None:
        powers, parts = good_file()
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "powers.xlsx"
            path.write_bytes(workbook(powers, **parts).getvalue())
            out = io.StringIO()
            call_command("importpowers", str(path), "--user", "chief", stdout=out)
            self.assertIn("3/3 powers checked (100%)", out.getvalue())
            self.assertIn("3 created", out.getvalue())
            powers[0]["committed_limit"] = 99
            path.write_bytes(workbook(powers, **parts).getvalue())
            with self.assertRaises(CommandError):
                call_command("importpowers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(PowerItem.objects.count(), 3)

    def test_it_says_when_the_file_is_not_a_workbook(self) -> None:
        report = import_workbook(system(), io.BytesIO(b"not a workbook"))
        self.assertFalse(report.ok)
        self.assertEqual(report.errors[0].row, 0)
