"""API for supervision: the console's figures for inspectors, and voucher lists from the finance
system for a monitoring centre (the same reconciliation as the page)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import authority
from sunlight.orgs.models import Organisation, Role
from sunlight.supervision import console, reconciliation
from sunlight.supervision.models import VoucherStatus

router = Router(tags=["supervision"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


class ConsoleOut(Schema):
    today: dt.date
    cases: dict[str, int]
    steps: dict[str, int]
    alarms: dict[str, int]
    alarms_by_kind: list[dict[str, Any]]
    payments_pending: int
    change_orders_pending: int


@router.get("/supervision/console", response={200: ConsoleOut, **ERRORS}, summary="The console's figures")
def console_figures(request: HttpRequest) -> ConsoleOut:
    """Open and overdue work and open alarms in the inspector's jurisdiction (needs the second factor)."""
    require_role(request, Role.SUPERVISION)
    units = console.unit_ids_of(authority.supervised_unit_ids(cast(User, request.user)))
    today = timezone.localdate()
    counts = console.counts(units, today)
    pending = console.awaiting_approval(units)
    return ConsoleOut(
        today=today,
        cases=counts["cases"],
        steps=counts["steps"],
        alarms=counts["alarms"],
        alarms_by_kind=[
            {"kind": r["kind"], "total": r["total"], "red": r["red"]} for r in console.alarms_by_kind(units)
        ],
        payments_pending=len(pending["payments"]),
        change_orders_pending=len(pending["changes"]),
    )


class VoucherResultOut(Schema):
    id: int
    rows: int
    matched: int
    unmatched: list[str]
    amount_differs: list[str]
    alarms: list[int]


@router.post(
    "/supervision/vouchers",
    response={200: VoucherResultOut, **ERRORS},
    summary="Reconcile a voucher list (Excel or CSV) of your unit",
)
def import_vouchers(request: HttpRequest, unit: str, file: File[UploadedFile]) -> VoucherResultOut:
    """`unit`: the unit's code. All or nothing: a bad row answers 400 listing every problem."""
    require_role(request, Role.MONITORING)
    found = Organisation.objects.filter(code=unit).first()
    if found is None or found.pk not in authority.monitored_unit_ids(cast(User, request.user)):
        raise PermissionDenied(_("You monitor only your own unit."))
    imported = reconciliation.import_vouchers(
        Actor.from_request(request, Channel.API),
        unit=found,
        data=file.read(),
        file_name=file.name or "vouchers.csv",
    )
    vouchers = list(imported.vouchers.all())
    return VoucherResultOut(
        id=imported.pk,
        rows=imported.rows,
        matched=imported.matched,
        unmatched=[v.number for v in vouchers if v.status == VoucherStatus.UNMATCHED],
        amount_differs=[v.number for v in vouchers if v.status == VoucherStatus.AMOUNT_DIFFERS],
        alarms=sorted({v.alarm_id for v in vouchers if v.alarm_id is not None}),
    )
