"""The monitoring centre's reconciliations (S23): vouchers against payments, paper against electronic.

Vouchers. The finance system's voucher list (凭证号, 日期, 金额(元), 收款单位, 项目/合同编号) is
matched against the payments recorded in Sunlight for the unit: by voucher number first (the
cashier records it with the payment), else by contract number, date and amount. A voucher that
matches nothing is money paid outside the system (体外循环): one OFF_SYSTEM alarm naming it,
keyed by unit and voucher number, so importing the list again raises nothing new. A voucher
whose number is known but whose amount differs raises the same alarm (the difference was paid
outside the approved payment). Payments in the list's date range that the list lacks are
reported, without an alarm (they are the finance system's to explain).

Archives. The paper archive register (档案号 = case number) is compared with the cases the unit
concluded in the period: cases with no paper archive, and paper archives of no case in the system.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.cases.models import Case
from sunlight.funds.models import Payment
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import records_refusals
from sunlight.lib.money import NotAnAmount, format_yuan
from sunlight.orgs.models import Organisation
from sunlight.supervision import tables
from sunlight.supervision.actions import monitor_for
from sunlight.supervision.models import ArchiveCheck, Voucher, VoucherImport, VoucherStatus
from sunlight.supervision.tables import Column, RowError

VOUCHER_COLUMNS = (
    Column("number", gettext_lazy("Voucher number"), ("凭证号", "凭证编号", "voucher", "voucher number")),
    Column("date", gettext_lazy("Date"), ("日期", "记账日期", "凭证日期", "date")),
    Column("amount", gettext_lazy("Amount (yuan)"), ("金额(元)", "金额", "amount", "amount (yuan)")),
    Column("payee", gettext_lazy("Payee"), ("收款单位", "收款人", "payee")),
    Column(
        "reference",
        gettext_lazy("Project or contract number"),
        ("项目/合同编号", "合同编号", "项目编号", "reference", "contract"),
        required=False,
    ),
)
ARCHIVE_COLUMNS = (
    Column(
        "number",
        gettext_lazy("Archive number (case number)"),
        ("档案号", "办件编号", "案卷号", "case number", "number"),
    ),
)


@dataclass(frozen=True)
class VoucherRow:
    row: int
    number: str
    date: dt.date
    amount_fen: int
    payee: str
    reference: str


def parse_vouchers(data: bytes, file_name: str) -> list[VoucherRow]:
    """Every row checked; a ValidationError lists every problem and nothing is kept."""
    errors: list[RowError] = []
    parsed: list[VoucherRow] = []
    seen: dict[str, int] = {}
    labels = {c.key: str(c.label) for c in VOUCHER_COLUMNS}
    for row, cells in tables.records(tables.read_rows(data, file_name), VOUCHER_COLUMNS):
        number = tables.text(cells.get("number"))
        payee = tables.text(cells.get("payee"))
        problems = len(errors)
        if not number or len(number) > 32:
            errors.append(
                RowError(row, labels["number"], _("Give the voucher number (at most 32 characters)."))
            )
        elif number in seen:
            errors.append(RowError(row, labels["number"], _("Also in row %(row)d.") % {"row": seen[number]}))
        try:
            day = tables.date(cells.get("date"))
        except (ValueError, TypeError):
            errors.append(RowError(row, labels["date"], _("Not a date (YYYY-MM-DD).")))
        try:
            fen = tables.amount(cells.get("amount"))
            if fen <= 0:
                raise NotAnAmount(str(fen))
        except NotAnAmount:
            errors.append(
                RowError(row, labels["amount"], _("Not an amount in yuan above zero (at most two decimals)."))
            )
        if not payee:
            errors.append(RowError(row, labels["payee"], _("Give the payee.")))
        if len(errors) == problems:
            seen[number] = row
            parsed.append(
                VoucherRow(row, number, day, fen, payee[:200], tables.text(cells.get("reference"))[:64])
            )
    tables.refuse(errors)
    if not parsed:
        raise ValidationError({"file": _("The file has no vouchers.")})
    return parsed


def _match(
    unit: Organisation, rows: list[VoucherRow]
) -> tuple[list[tuple[VoucherRow, str, Payment | None]], list[Payment]]:
    payments = Payment.objects.filter(request__contract__project__unit=unit).select_related(
        "request__contract__project"
    )
    by_number = {
        p.voucher_number.strip(): p for p in payments.filter(voucher_number__in=[r.number for r in rows])
    }
    first, last = min(r.date for r in rows), max(r.date for r in rows)
    in_range = list(payments.filter(paid_on__gte=first, paid_on__lte=last).order_by("pk"))
    used: set[int] = {p.pk for p in by_number.values()}
    results: list[tuple[VoucherRow, str, Payment | None]] = []
    for row in rows:
        payment = by_number.get(row.number)
        if payment is not None:
            status = (
                VoucherStatus.MATCHED
                if payment.amount_fen == row.amount_fen
                else VoucherStatus.AMOUNT_DIFFERS
            )
            results.append((row, status, payment))
            continue
        same = next(
            (
                p
                for p in in_range
                if p.pk not in used
                and p.amount_fen == row.amount_fen
                and p.paid_on == row.date
                and row.reference
                and row.reference in (p.request.contract.code, p.request.contract.project.code)
            ),
            None,
        )
        if same is not None:
            used.add(same.pk)
            results.append((row, VoucherStatus.MATCHED_BY_DETAILS, same))
        else:
            results.append((row, VoucherStatus.UNMATCHED, None))
    missing = [p for p in in_range if p.pk not in used]
    return results, missing


def _off_system(
    actor: Actor, unit: Organisation, row: VoucherRow, status: str, payment: Payment | None
) -> Any:
    values = {
        "number": row.number,
        "date": row.date.isoformat(),
        "amount": format_yuan(row.amount_fen),
        "payee": row.payee,
        "recorded": format_yuan(payment.amount_fen) if payment else "",
    }
    if status == VoucherStatus.UNMATCHED:
        message = (
            _(
                "Voucher %(number)s of %(date)s, %(amount)s to %(payee)s, matches no payment in the system "
                "(off-system handling)."
            )
            % values
        )
    else:
        message = (
            _(
                "Voucher %(number)s of %(date)s pays %(amount)s to %(payee)s; the system recorded %(recorded)s."
            )
            % values
        )
    alarm, _created = raise_alarm(
        actor,
        kind=AlarmKind.OFF_SYSTEM,
        level=AlarmLevel.RED,
        message=message,
        dedupe_key=f"off-system:{unit.pk}:{row.number}",
        unit=unit,
        subject=("finance.voucher", row.number),
        detail={
            "voucher": row.number,
            "date": row.date.isoformat(),
            "amount_fen": row.amount_fen,
            "payee": row.payee,
            "reference": row.reference,
        },
    )
    return alarm


@records_refusals
def import_vouchers(actor: Actor, *, unit: Organisation, data: bytes, file_name: str) -> VoucherImport:
    """Reconcile the finance system's voucher list with the unit's payments (all or nothing)."""
    standing = monitor_for(actor, unit, "supervision.import_vouchers", unit)
    rows = parse_vouchers(data, file_name)
    assert actor.user is not None
    acting = actor.acting_as(standing)
    with transaction.atomic():
        results, missing = _match(unit, rows)
        imported = VoucherImport.objects.create(
            unit=unit,
            file_name=file_name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=actor.user,
            rows=len(rows),
            missing_from_list=[
                {"voucher": p.voucher_number, "paid_on": p.paid_on.isoformat(), "amount_fen": p.amount_fen}
                for p in missing
            ],
        )
        vouchers = []
        for row, status, payment in results:
            alarm = None
            if status in (VoucherStatus.UNMATCHED, VoucherStatus.AMOUNT_DIFFERS):
                alarm = _off_system(acting, unit, row, status, payment)
            vouchers.append(
                Voucher(
                    voucher_import=imported,
                    row=row.row,
                    number=row.number,
                    date=row.date,
                    amount_fen=row.amount_fen,
                    payee=row.payee,
                    reference=row.reference,
                    status=status,
                    payment=payment,
                    alarm=alarm,
                )
            )
        Voucher.objects.bulk_create(vouchers)
        statuses = [v.status for v in vouchers]
        imported.matched = sum(
            s in (VoucherStatus.MATCHED, VoucherStatus.MATCHED_BY_DETAILS) for s in statuses
        )
        imported.unmatched = statuses.count(VoucherStatus.UNMATCHED)
        imported.amount_differs = statuses.count(VoucherStatus.AMOUNT_DIFFERS)
        imported.save(update_fields=["matched", "unmatched", "amount_differs"])
        append(
            acting,
            "supervision.import_vouchers",
            imported,
            changes={"sha256": (None, imported.sha256)},
            detail={
                "file": imported.file_name,
                "rows": imported.rows,
                "matched": imported.matched,
                "unmatched": [v.number for v in vouchers if v.status == VoucherStatus.UNMATCHED],
                "amount_differs": [v.number for v in vouchers if v.status == VoucherStatus.AMOUNT_DIFFERS],
                "missing_from_list": len(missing),
            },
        )
    return imported


def parse_register(data: bytes, file_name: str) -> list[str]:
    errors: list[RowError] = []
    numbers: list[str] = []
    seen: set[str] = set()
    label = str(ARCHIVE_COLUMNS[0].label)
    for row, cells in tables.records(tables.read_rows(data, file_name), ARCHIVE_COLUMNS):
        number = tables.text(cells.get("number")).upper()
        if not number or len(number) > 32:
            errors.append(RowError(row, label, _("Give the archive's case number.")))
        elif number not in seen:
            seen.add(number)
            numbers.append(number)
    tables.refuse(errors)
    return numbers


def concluded_numbers(unit: Organisation, start: dt.date, end: dt.date) -> set[str]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    last = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    cases = Case.objects.of_units({unit.pk}).filter(
        started_at__gte=first, started_at__lt=last, completed_at__isnull=False
    )
    return set(cases.values_list("number", flat=True))


def _known(numbers: Iterable[str]) -> set[str]:
    return set(Case.objects.filter(number__in=list(numbers)).values_list("number", flat=True))


@records_refusals
def compare_archives(
    actor: Actor, *, unit: Organisation, start: dt.date, end: dt.date, data: bytes, file_name: str
) -> ArchiveCheck:
    """Compare the paper archive register with the cases the unit concluded in the period."""
    standing = monitor_for(actor, unit, "supervision.compare_archives", unit)
    if end < start:
        raise ValidationError({"period_until": _("The period ends before it starts.")})
    register = parse_register(data, file_name)
    electronic = concluded_numbers(unit, start, end)
    known = _known(n for n in register if n not in electronic)
    paper_only = sorted(n for n in register if n not in electronic and n not in known)
    electronic_only = sorted(electronic - set(register))
    assert actor.user is not None
    with transaction.atomic():
        check = ArchiveCheck.objects.create(
            unit=unit,
            period_from=start,
            period_until=end,
            file_name=file_name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            register_count=len(register),
            electronic_count=len(electronic),
            paper_only=paper_only,
            electronic_only=electronic_only,
            checked_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "supervision.compare_archives",
            check,
            changes={"sha256": (None, check.sha256)},
            detail={"paper_only": paper_only[:200], "electronic_only": electronic_only[:200]},
        )
    return check
