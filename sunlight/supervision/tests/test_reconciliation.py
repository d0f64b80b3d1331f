"""Reconciliation by the monitoring centre: vouchers against payments, paper against electronic."""

from __future__ import annotations

import io

import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.funds import actions as fund_actions
from sunlight.funds import payments
from sunlight.funds.tests.factories import TODAY, YUAN, WaterFunds, make_active_contract
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import PostKind
from sunlight.supervision.models import Voucher, VoucherImport, VoucherStatus
from sunlight.supervision.reconciliation import import_vouchers
from sunlight.test import assign, make_person, make_post

HEADER = "凭证号,日期,金额(元),收款单位,项目/合同编号\n"


def csv_of(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8-sig")


@time_machine.travel(TODAY, tick=False)
class VoucherReconciliationTests(WaterFunds):
    water_monitor: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.water_monitor = make_person("swjmonitor", "许静")
        assign(cls.water_monitor, make_post(cls.water, PostKind.MONITOR, "SWJ-MC01", "监管员"))

    def setUp(self) -> None:
        contract = make_active_contract(self)
        measurement = fund_actions.submit_progress(
            Actor.of(self.pm),
            contract,
            progress_bp=6500,
            measured_on=TODAY.date(),
            description="主体工程计量",
        )
        fund_actions.confirm_progress(Actor.of(self.supervisor), measurement, confirm=True)
        for amount, invoice, voucher in (
            (2_000_000, "43002601", "记-2026-0601"),
            (1_000_000, "43002602", "记-2026-0602"),
        ):
            request = payments.request_payment(
                Actor.of(self.pm),
                contract,
                milestone=contract.milestones.get(number=2),
                amount_fen=amount * YUAN,
                invoice_number=invoice,
            )
            payments.decide_payment(Actor.of(self.deputy), request, approve=True, comment="同意")
            payments.decide_payment(Actor.of(self.director), request, approve=True, comment="同意")
            payments.record_payment(Actor.of(self.cashier), request, voucher_number=voucher)

    def reconcile(self, data: bytes, name: str = "vouchers.csv") -> VoucherImport:
        return import_vouchers(Actor.of(self.water_monitor), unit=self.water, data=data, file_name=name)

    def test_it_raises_one_off_system_alarm_for_the_voucher_missing_from_the_system(self) -> None:
        data = csv_of(
            "记-2026-0601,2026-06-15,2000000.00,湖南望城水利水电建设有限公司,SWJ-HT-2026-001",
            '记-2026-0602,2026-06-15,"1,000,000.00",湖南望城水利水电建设有限公司,SWJ-HT-2026-001',
            "记-2026-0699,2026-06-12,380000.00,长沙某劳务有限公司,",
        )
        imported = self.reconcile(data)
        self.assertEqual((imported.rows, imported.matched, imported.unmatched), (3, 2, 1))
        alarm = Alarm.objects.get(kind=AlarmKind.OFF_SYSTEM)
        self.assertIn("记-2026-0699", alarm.message)
        self.assertEqual(
            (alarm.unit, alarm.detail["voucher"], alarm.detail["amount_fen"]),
            (self.water, "记-2026-0699", 380_000 * YUAN),
        )
        self.assertEqual(Voucher.objects.get(number="记-2026-0699").alarm, alarm)
        # Importing the same list again raises nothing new.
        self.reconcile(data)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.OFF_SYSTEM).count(), 1)
        self.assertEqual(Leaf.objects.filter(action="supervision.import_vouchers").count(), 2)

    def test_it_reads_an_excel_list_and_reports_an_amount_that_differs(self) -> None:
        book = Workbook()
        sheet = book.active
        sheet.append(["凭证号", "日期", "金额(元)", "收款单位", "项目/合同编号"])
        sheet.append(
            ["记-2026-0601", TODAY.date(), 2_000_000.5, "湖南望城水利水电建设有限公司", "SWJ-HT-2026-001"]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        imported = self.reconcile(buffer.getvalue(), "凭证.xlsx")
        self.assertEqual(imported.amount_differs, 1)
        self.assertEqual(Voucher.objects.get().status, VoucherStatus.AMOUNT_DIFFERS)
        self.assertEqual([p["voucher"] for p in imported.missing_from_list], ["记-2026-0602"])
        self.assertIn("2,000,000.50", Alarm.objects.get(kind=AlarmKind.OFF_SYSTEM).message)

    def test_it_reports_every_bad_row_and_keeps_nothing(self) -> None:
        data = csv_of(
            "记-2026-0601,2026-06-15,2000000.00,湖南望城水利水电建设有限公司,",
            ",2026-13-01,abc,,",
            "记-2026-0601,2026-06-15,1.234,收款人,",
        )
        with self.assertRaises(ValidationError) as caught:
            self.reconcile(data)
        problems = caught.exception.message_dict["file"]
        self.assertEqual(len(problems), 6, problems)  # number, date, amount, payee; duplicate, amount
        self.assertFalse(VoucherImport.objects.exists())
        self.assertFalse(Alarm.objects.filter(kind=AlarmKind.OFF_SYSTEM).exists())
        with self.assertRaises(ValidationError):
            self.reconcile(b"\x00\x01not a table", "x.xlsx")

    def test_it_reconciles_from_the_page_for_the_unit_s_own_monitoring_centre_only(self) -> None:
        data = csv_of("记-2026-0601,2026-06-15,2000000,湖南望城水利水电建设有限公司,SWJ-HT-2026-001")
        self.login(self.water_monitor)
        response = self.client.post(
            reverse("supervision:vouchers"), {"file": SimpleUploadedFile("v.csv", data)}
        )
        imported = VoucherImport.objects.get()
        self.assertRedirects(response, reverse("supervision:voucher_import", args=[imported.pk]))
        self.assertContains(self.client.get(response["Location"]), "记-2026-0601")
        self.login(self.monitor)  # 区财政局's monitoring centre
        forbidden = self.client.post(
            reverse("supervision:vouchers"),
            {"unit": self.water.pk, "file": SimpleUploadedFile("v.csv", data)},
        )
        self.assertEqual(forbidden.status_code, 403)
        self.assertEqual(
            self.client.get(reverse("supervision:voucher_import", args=[imported.pk])).status_code, 404
        )

    def test_it_takes_a_voucher_list_over_the_api(self) -> None:
        data = csv_of(
            "记-2026-0601,2026-06-15,2000000,湖南望城水利水电建设有限公司,SWJ-HT-2026-001",
            "记-2026-0699,2026-06-12,380000.00,长沙某劳务有限公司,",
        )
        self.login(self.water_monitor)
        url = f"/api/v1/supervision/vouchers?unit={self.water.code}"
        body = self.client.post(url, {"file": SimpleUploadedFile("v.csv", data)}).json()
        self.assertEqual((body["rows"], body["matched"], body["unmatched"]), (2, 1, ["记-2026-0699"]))
        self.assertEqual(body["alarms"], [Alarm.objects.get(kind=AlarmKind.OFF_SYSTEM).pk])
        self.login(self.monitor)
        self.assertEqual(self.client.post(url, {"file": SimpleUploadedFile("v.csv", data)}).status_code, 403)
