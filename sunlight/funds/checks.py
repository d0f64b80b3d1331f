"""The contexts fund actions hand to the checkpoints (see `checkpoints.contexts.SAMPLES`).

Every figure is read inside the action's transaction, after the contract row is locked, so
two requests racing on one contract are checked one after the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, Sum

from sunlight.funds.models import (
    LIVE_CHANGE_STATES,
    LIVE_REQUEST_STATES,
    ChangeOrder,
    Contract,
    ContractState,
    Payment,
    PaymentRequest,
    RequestState,
)


def contract_facts(contract: Contract) -> dict[str, Any]:
    integrity = getattr(contract, "integrity", None)
    return {
        "code": contract.code,
        "kind": contract.kind,
        "price_fen": contract.price_fen,
        "changes_fen": contract.approved_changes_fen(),
        "active": contract.state == ContractState.ACTIVE,
        "integrity_signed": bool(integrity and integrity.signed_by_both),
        "project_code": contract.project.code,
    }


def payment_context(request: PaymentRequest, on: dt.date) -> dict[str, Any]:
    contract = request.contract
    others = PaymentRequest.objects.filter(contract=contract).exclude(pk=request.pk)
    live = others.filter(state__in=LIVE_REQUEST_STATES)
    pending = live.filter(state__in=(RequestState.PENDING, RequestState.APPROVED)).aggregate(
        s=Sum("amount_fen")
    )
    paid = (
        Payment.objects.filter(request__contract=contract)
        .exclude(request=request)
        .aggregate(s=Sum("amount_fen"))
    )
    duplicates = live.filter(
        Q(invoice_number=request.invoice_number)
        | Q(milestone=request.milestone, amount_fen=request.amount_fen)
    ).count()
    milestone = request.milestone
    return {
        "contract": contract_facts(contract),
        "milestone": {
            "number": milestone.number,
            "name": milestone.name,
            "earliest_on": milestone.earliest_on,
            "max_share_bp": milestone.max_share_bp,
        },
        "payment": {"amount_fen": request.amount_fen, "on": on, "invoice_number": request.invoice_number},
        "paid_fen": int(paid["s"] or 0),
        "pending_fen": int(pending["s"] or 0),
        "progress_bp": contract.confirmed_progress_bp(),
        "duplicates": duplicates,
    }


def change_context(change: ChangeOrder) -> dict[str, Any]:
    contract = change.contract
    before = (
        ChangeOrder.objects.filter(contract=contract, state__in=LIVE_CHANGE_STATES)
        .exclude(pk=change.pk)
        .aggregate(s=Sum("amount_fen"))["s"]
    )
    return {
        "contract": contract_facts(contract),
        "change": {"number": change.number, "title": change.title, "amount_fen": change.amount_fen},
        "changes_before_fen": int(before or 0),
    }
