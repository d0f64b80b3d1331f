import io
from typing import Any

from django.utils.translation import override
from openpyxl import Workbook

from sunlight.ledger.models import Leaf
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks.content import measure_data, point_data
from sunlight.risks.excel import MEASURES, POINTS, export_workbook, import_workbook, register_points
from sunlight.risks.models import ControlMeasure, MeasureKind, MeasureStatus, RiskKind, RiskLevel, RiskPoint
from sunlight.test import Personas


def zh(text: Any) -> str:
    with override("zh-hans"):
        return str(text)


def workbook(points: list[list[Any]], measures: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for sheet, rows in ((POINTS, points), (MEASURES, measures)):
        ws = book.create_sheet(zh(sheet.label))
        ws.append([zh(c.label) for c in sheet.columns])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def rows() -> tuple[list[list[Any]], list[list[Any]]]:
    high, medium = zh(RiskLevel.HIGH.label), zh(RiskLevel.MEDIUM.label)
    joint, risk = zh(RiskKind.KEY_JOINT.label), zh(RiskKind.RISK_POINT.label)
    points = [
        [
            "CZJ-FX-0001",
            "区财政局",
            "CZJ-XK-0001",
            "审查",
            "CZJ-SC01",
            joint,
            high,
            "",
            "审查把关不严，接受宴请",
            "严禁收受财物",
            "依纪依法处理",
            "是",
        ],
        [
            "CZJ-FX-0002",
            "区财政局",
            "",
            "报销审核",
            "CZJ-CK01",
            risk,
            high,
            zh("Funds"),
            "报销审核不严，虚列支出",
            "严禁设立小金库",
            "严肃追责",
            "否",
        ],
        [
            "CZJ-FX-0003",
            "区财政局",
            "CZJ-XK-0001",
            "受理",
            "CZJ-CK01",
            risk,
            medium,
            "",
            "推诿扯皮，吃拿卡要",
            "",
            "",
            "是",
        ],
    ]
    technical, in_place = zh(MeasureKind.TECHNICAL.label), zh(MeasureStatus.IN_PLACE.label)
    measures = [
        [
            "CZJ-FX-0001",
            1,
            "流程固化到防控平台，超时报警",
            technical,
            "CZJ-MC01",
            "2016-06-30",
            in_place,
            "平台配置",
            "",
            "2026-03-31",
        ],
        [
            "CZJ-FX-0001",
            2,
            "签订廉洁承诺书",
            zh(MeasureKind.CULTURAL.label),
            "CZJ-LC01",
            "",
            in_place,
            "承诺书",
            "",
            "2026-06-30",
        ],
        [
            "CZJ-FX-0002",
            1,
            "运行监管中心每季度复核支付凭证",
            technical,
            "CZJ-MC01",
            "",
            in_place,
            "核对记录",
            "",
            "2026-03-31",
        ],
    ]
    return points, measures


class RegisterImportTests(Personas):
    def setUp(self) -> None:
        publish(self.as_actor(self.leader), self.inspector, draft(self.as_actor(self.chief), self.finance))

    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        points, measures = rows()
        points[1][6] = zh(RiskLevel.LOW.label)  # power over funds graded low
        points[2][2] = "SWJ-XK-0001"  # not a power of the unit
        measures[2][4] = "NO-SUCH-POST"
        leaves = Leaf.objects.count()
        report = import_workbook(self.as_actor(self.monitor), workbook(points, measures))
        found = {(e.sheet, e.row, e.column) for e in report.errors}
        self.assertEqual(
            found,
            {
                (zh(POINTS.label), 3, zh(POINTS.column_label("level"))),
                (zh(POINTS.label), 4, zh(POINTS.column_label("power"))),
                (zh(MEASURES.label), 4, zh(MEASURES.column_label("owner"))),
            },
            report.errors,
        )
        self.assertFalse(RiskPoint.objects.exists())
        self.assertEqual(Leaf.objects.count(), leaves)

    def test_it_imports_and_round_trips_without_loss(self) -> None:
        points, measures = rows()
        report = import_workbook(self.as_actor(self.monitor), workbook(points, measures))
        self.assertTrue(report.ok, report.errors)
        self.assertEqual((report.created, ControlMeasure.objects.count()), (3, 3))
        self.assertEqual(RiskPoint.objects.get(code="CZJ-FX-0002").domains, ["funds"])
        before = [
            (point_data(p), [measure_data(m) for m in p.measures.order_by("number")])
            for p in RiskPoint.objects.order_by("code")
        ]
        for language in ("zh-hans", "en"):
            with override(language):
                exported = export_workbook(register_points([self.finance.pk]))
                again = import_workbook(self.as_actor(self.monitor), io.BytesIO(exported))
            self.assertTrue(again.ok, again.errors)
            self.assertEqual((again.created, again.changed, again.unchanged), (0, 0, 3), language)
        after = [
            (point_data(p), [measure_data(m) for m in p.measures.order_by("number")])
            for p in RiskPoint.objects.order_by("code")
        ]
        self.assertEqual(before, after)
