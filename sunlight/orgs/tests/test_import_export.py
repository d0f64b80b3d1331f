import io
from typing import Any

from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from sunlight.accounts.models import User
from sunlight.ledger.models import Leaf
from sunlight.lib.codes import make_uscc
from sunlight.orgs.excel import SHEETS, export_workbook, import_workbook
from sunlight.orgs.models import Assignment, CodeScheme, Organisation, OrgKind, Post, PostKind
from sunlight.test import Personas, system

ENV_CODE = make_uscc("11", "430112", "MB193672")


def zh(text: Any) -> str:
    with override("zh-hans"):
        return str(text)


SHEET_OF = {sheet.key: sheet for sheet in SHEETS}


def workbook(**sheets: list[list[Any]]) -> io.BytesIO:
    """A workbook in the export's Chinese layout; each sheet given as rows after the header."""
    book = Workbook()
    book.remove(book.active)
    for key, rows in sheets.items():
        sheet = SHEET_OF[key]
        ws = book.create_sheet(zh(sheet.label))
        ws.append([zh(c.label) for c in sheet.columns])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def good_rows() -> dict[str, list[list[Any]]]:
    return {
        "organisations": [
            [
                ENV_CODE,
                zh(CodeScheme.USCC.label),
                "区环保局",
                "HBJ",
                zh(OrgKind.DEPARTMENT.label),
                "430112",
                5,
            ],
            [
                "HBJ-01",
                zh(CodeScheme.INTERNAL.label),
                "行政审批股",
                "",
                zh(OrgKind.OFFICE.label),
                ENV_CODE,
                1,
            ],
        ],
        "posts": [
            ["HBJ-CK01", "HBJ-01", "窗口受理岗", zh(PostKind.CLERK.label), ""],
            ["HBJ-HD01", ENV_CODE, "局长", zh(PostKind.HEAD.label), ""],
        ],
        "people": [["hbj01", "谭志刚", "13907310011", ""], ["hbj02", "贺小红", "", "hxh@example.cn"]],
        "assignments": [
            ["hbj01", "HBJ-HD01", "2024-01-01", ""],
            ["hbj02", "HBJ-CK01", "2024-03-01", "2026-12-31"],
        ],
    }


class ImportExportTests(Personas):
    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        rows = good_rows()
        rows["organisations"][0][0] = ENV_CODE[:-1] + (
            "X" if ENV_CODE[-1] != "X" else "Y"
        )  # bad check character
        rows["people"][1][2] = "12345"  # not a mobile number
        rows["assignments"][0][1] = "NO-SUCH-POST"
        leaves = Leaf.objects.count()
        with override("zh-hans"):
            report = import_workbook(system(), workbook(**rows))
        bad = {(e.sheet, e.row, e.column) for e in report.errors}
        columns = {key: {c.key: zh(c.label) for c in sheet.columns} for key, sheet in SHEET_OF.items()}
        self.assertIn((zh(SHEET_OF["organisations"].label), 2, columns["organisations"]["code"]), bad)
        self.assertIn((zh(SHEET_OF["people"].label), 3, columns["people"]["phone"]), bad)
        self.assertIn((zh(SHEET_OF["assignments"].label), 2, columns["assignments"]["post"]), bad)
        self.assertEqual(len({(s, r) for s, r, _ in bad if s == zh(SHEET_OF["people"].label)}), 1)
        self.assertFalse(Organisation.objects.filter(abbr="HBJ").exists())
        self.assertFalse(User.objects.filter(username="hbj02").exists())
        self.assertEqual(Leaf.objects.count(), leaves)

    def test_it_imports_the_corrected_file(self) -> None:
        report = import_workbook(system(), workbook(**good_rows()))
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(Post.objects.get(code="HBJ-CK01").organisation.code, "HBJ-01")
        self.assertTrue(Assignment.objects.filter(person__username="hbj01", post__code="HBJ-HD01").exists())

    def test_it_round_trips_an_export_without_loss(self) -> None:
        import_workbook(system(), workbook(**good_rows()))
        exported = export_workbook()
        book = load_workbook(io.BytesIO(exported))
        people = {tuple(r) for r in book[zh(SHEET_OF["people"].label)].iter_rows(min_row=2, values_only=True)}
        self.assertIn(("hbj01", "谭志刚", "13907310011", ""), {tuple(v or "" for v in p) for p in people})
        before = {model.__name__: model.objects.count() for model in (Organisation, Post, User, Assignment)}
        report = import_workbook(system(), io.BytesIO(exported))
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(sum(report.created.values()), 0)
        after = {model.__name__: model.objects.count() for model in (Organisation, Post, User, Assignment)}
        self.assertEqual(before, after)

    def test_it_round_trips_in_english_too(self) -> None:
        with override("en"):
            exported = export_workbook()
        self.assertIn("Organisations", load_workbook(io.BytesIO(exported)).sheetnames)
        report = import_workbook(system(), io.BytesIO(exported))
        self.assertTrue(report.ok, report.errors)

    def test_it_rejects_a_file_that_is_not_a_workbook(self) -> None:
        report = import_workbook(system(), io.BytesIO(b"not a workbook"))
        self.assertFalse(report.ok)

    def test_it_is_reachable_by_admins_from_the_page(self) -> None:
        self.login(self.admin, verified=True)
        response = self.client.post(reverse("orgs:import_export"), {"file": workbook(**good_rows())})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Organisation.objects.filter(abbr="HBJ").exists())
        export = self.client.get(reverse("orgs:export"))
        self.assertEqual(export.status_code, 200)
        self.assertTrue(Leaf.objects.filter(action="orgs.export_register").exists())
