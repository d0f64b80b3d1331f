"""Reads for the fund pages: totals, money saved, and the blocked attempts inspectors look at."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.funds.models import (
    ChangeOrder,
    ChangeState,
    Contract,
    ContractState,
    Payment,
    PaymentRequest,
    Project,
    RequestState,
)

CHANGE_TYPE = "funds.changeorder"
REQUEST_TYPE = "funds.paymentrequest"


def totals(unit_ids: set[int] | None) -> dict[str, Any]:
    """Funds supervised, paid, and what the red lines saved, over the units (None: the district)."""
    projects = Project.objects.for_units(unit_ids)
    contracts = Contract.objects.filter(project__in=projects)
    changes = ChangeOrder.objects.filter(contract__in=contracts)
    counted = changes.aggregate(
        blocked=Count("pk", filter=Q(state=ChangeState.BLOCKED)),
        saved=Sum("amount_fen", filter=Q(state=ChangeState.BLOCKED)),
        rejected=Count("pk", filter=Q(state=ChangeState.REJECTED)),
        rejected_fen=Sum("amount_fen", filter=Q(state=ChangeState.REJECTED)),
        approved_fen=Sum("amount_fen", filter=Q(state=ChangeState.APPROVED)),
    )
    return {
        "projects": projects.count(),
        "supervised_fen": int(
            contracts.exclude(state=ContractState.DRAFT).aggregate(s=Sum("price_fen"))["s"] or 0
        ),
        "paid_fen": int(
            Payment.objects.filter(request__contract__in=contracts).aggregate(s=Sum("amount_fen"))["s"] or 0
        ),
        "blocked_changes": counted["blocked"],
        "saved_fen": int(counted["saved"] or 0),
        "rejected_changes": counted["rejected"],
        "rejected_fen": int(counted["rejected_fen"] or 0),
        "approved_changes_fen": int(counted["approved_fen"] or 0),
        "blocked_payments": PaymentRequest.objects.filter(
            contract__in=contracts, state=RequestState.BLOCKED
        ).count(),
    }


def project_rows(unit_ids: set[int] | None) -> QuerySet[Project]:
    return (
        Project.objects.for_units(unit_ids)
        .select_related("unit")
        .annotate(
            # One join only (contracts), so neither figure is multiplied by another relation.
            contract_count=Count("contracts"),
            contracts_fen=Sum("contracts__price_fen"),
        )
        .order_by("unit__sort", "code")
    )


def blocked_attempts(contracts: Iterable[Contract]) -> QuerySet[Alarm]:
    """CHECKPOINT_BLOCKED alarms whose subject is a change order or payment request of the contracts."""
    ids = [c.pk for c in contracts]
    change_ids = [
        str(pk) for pk in ChangeOrder.objects.filter(contract_id__in=ids).values_list("pk", flat=True)
    ]
    request_ids = [
        str(pk) for pk in PaymentRequest.objects.filter(contract_id__in=ids).values_list("pk", flat=True)
    ]
    return (
        Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED)
        .filter(
            Q(subject_type=CHANGE_TYPE, subject_id__in=change_ids)
            | Q(subject_type=REQUEST_TYPE, subject_id__in=request_ids)
        )
        .select_related("person")
        .order_by("-raised_at")
    )
