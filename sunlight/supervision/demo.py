"""Demo supervision: an online patrol with findings, a spot check drawn by a recorded seed, a
quarterly self-check, and (where the demo has payments) a voucher list with one off-system voucher."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

from django.core.exceptions import ValidationError
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.alarms.demo import INSPECTOR_POST
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.money import to_decimal
from sunlight.orgs.models import Assignment, Organisation, PostKind
from sunlight.supervision import actions, reconciliation
from sunlight.supervision.models import CheckResult, Patrol, Severity

DESCRIPTION = "an online patrol, a spot check, a self-check and a voucher reconciliation"
SEED = 20260101
SLOW_UNIT = "GTJ"  # the demo's slow unit (see sunlight/cases/demo.py)


def is_loaded() -> bool:
    return Patrol.objects.exists()


def _person(**filters: object) -> User | None:
    held = Assignment.objects.current().filter(**filters).select_related("person").order_by("pk").first()
    return held.person if held else None


def load() -> None:
    inspector = _person(post__code=INSPECTOR_POST)
    if inspector is None:
        return
    judge = Actor.of(inspector)
    today = timezone.localdate()
    slow = Organisation.objects.filter(abbr=SLOW_UNIT).first()
    busiest = (
        Organisation.objects.units().filter(pk__in=Case.objects.values("owner_id")).order_by("sort").first()
    )
    with suppress(ValidationError, Refused):
        patrol = actions.start_patrol(judge, scope="行政审批办件时限网上巡查", unit=slow)
        if slow is not None:
            late = Case.objects.filter(owner=slow).order_by("due_date").first()
            actions.add_finding(
                judge,
                patrol,
                unit=slow,
                severity=Severity.CONCERN,
                description="多件审批办件临近或超过承诺时限。",
                case=late,
            )
            actions.add_finding(
                judge,
                patrol,
                unit=slow,
                severity=Severity.NOTE,
                description="网上公开的办事指南与权力清单一致。",
            )
        actions.close_patrol(judge, patrol, summary="巡查发现时限管理问题1项，已提示单位运行监管中心跟进。")
    if busiest is not None:
        with suppress(ValidationError, Refused):
            check = actions.draw_spot_check(
                judge,
                unit=busiest,
                start=today - dt.timedelta(days=90),
                end=today - dt.timedelta(days=1),
                size=5,
                seed=SEED,
            )
            for item in list(check.items.select_related("case"))[:2]:
                actions.check_case(judge, item, result=CheckResult.COMPLIANT, finding="程序合法，材料齐全。")
        monitor = _person(post__organisation__unit=busiest, post__kind=PostKind.MONITOR)
        if monitor is not None:
            quarter_end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
            with suppress(ValidationError, Refused):
                actions.submit_self_check(
                    Actor.of(monitor),
                    unit=busiest,
                    year=quarter_end.year,
                    quarter=(quarter_end.month - 1) // 3 + 1,
                    findings="本季度存在个别办件临近时限的情况，无违规收费和体外循环问题。",
                    measures="落实AB岗制度，每周通报办件时限情况。",
                )
    _reconcile_demo()


def _reconcile_demo() -> None:
    """A voucher list for the first unit with payments: its payments, and one voucher more."""
    from sunlight.funds.models import Payment

    payment = Payment.objects.select_related("request__contract__project__unit").order_by("pk").first()
    if payment is None:
        return
    unit = payment.request.contract.project.unit
    monitor = _person(post__organisation__unit=unit, post__kind=PostKind.MONITOR)
    if monitor is None:
        return
    rows = ["凭证号,日期,金额(元),收款单位,项目/合同编号"]
    for p in Payment.objects.filter(request__contract__project__unit=unit).select_related(
        "request__contract"
    ):
        rows.append(
            f"{p.voucher_number},{p.paid_on.isoformat()},{to_decimal(p.amount_fen)},"
            f"{p.request.contract.counterparty},{p.request.contract.code}"
        )
    rows.append(
        f"记-{timezone.localdate():%Y%m}-9901,{timezone.localdate().isoformat()},86000.00,长沙某劳务有限公司,"
    )
    with suppress(ValidationError, Refused):
        reconciliation.import_vouchers(
            Actor.of(monitor),
            unit=unit,
            data=("\n".join(rows) + "\n").encode("utf-8"),
            file_name="财务凭证清单.csv",
        )
