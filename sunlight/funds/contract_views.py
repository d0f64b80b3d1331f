"""The contract page: integrity contract, schedule, progress, payment requests, change orders.

Each form posts to its own view, which calls one action. A refusal (no designated post) or a
checkpoint block is shown on the page with status 403, naming the rule and its legal basis;
bad input goes back onto its form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunlight.accounts.models import User
from sunlight.checkpoints.engine import CheckpointBlocked
from sunlight.funds import actions, authority, changes, payments, queries
from sunlight.funds.forms import (
    ChangeOrderForm,
    DecideForm,
    MilestoneForm,
    PayForm,
    PaymentRequestForm,
    ProgressForm,
    SignatureForm,
)
from sunlight.funds.models import (
    ChangeOrder,
    ChangeState,
    Contract,
    ContractState,
    FundRole,
    MeasurementState,
    PaymentRequest,
    ProgressMeasurement,
    RequestState,
)
from sunlight.funds.views import READERS, readable_project
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority as org_authority
from sunlight.orgs.access import role_required
from sunlight.orgs.models import LEADER_POST_KINDS, Role

_ROW_FORMS = ("sign_form", "activate_form", "decide_form", "pay_form")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _contract(request: HttpRequest, pk: int) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("project__unit"), pk=pk)
    readable_project(request, contract.project_id)  # 404 outside the person's units; logs inspectors
    return contract


def _can_step(user: User, contract: Contract, role: str, approvals: int, requester_id: int) -> bool:
    if user.pk == requester_id:
        return False
    return authority.standing_for(user, contract.unit, role, step=approvals + 1) is not None


def _page(
    request: HttpRequest,
    contract: Contract,
    *,
    status: int = 200,
    refusal: Refused | None = None,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    bound = bound or {}
    user = _user(request)
    unit = contract.unit
    roles = authority.roles_in(user, unit)
    is_leader = any(
        a.post.organisation.unit_id == unit.pk and a.post.kind in LEADER_POST_KINDS
        for a in org_authority.current_assignments(user)
    )
    requests = list(
        contract.payment_requests.select_related("milestone", "requested_by", "payment").prefetch_related(
            "approvals__person", "approvals__post"
        )
    )
    change_orders = list(
        contract.change_orders.select_related("submitted_by").prefetch_related(
            "approvals__person", "approvals__post"
        )
    )
    for item in requests:
        item.can_decide = item.state == RequestState.PENDING and _can_step(  # type: ignore[attr-defined]
            user, contract, FundRole.PAYMENT_APPROVER, len(item.approvals.all()), item.requested_by_id
        )
    for change in change_orders:
        change.can_decide = change.state == ChangeState.PENDING and _can_step(  # type: ignore[attr-defined]
            user, contract, FundRole.CHANGE_APPROVER, len(change.approvals.all()), change.submitted_by_id
        )
    active = contract.state == ContractState.ACTIVE
    manager = FundRole.PROJECT_MANAGER in roles
    price_fen = contract.price_fen
    changes_fen = contract.approved_changes_fen()
    context: dict[str, Any] = {
        "contract": contract,
        "project": contract.project,
        "integrity": contract.integrity,
        "milestones": contract.milestones.all(),
        "measurements": contract.measurements.select_related("submitted_by", "confirmed_by"),
        "requests": requests,
        "change_orders": change_orders,
        "figures": {
            "price_fen": price_fen,
            "changes_fen": changes_fen,
            "changes_bp": changes_fen * 10_000 // price_fen,
            "paid_fen": contract.paid_fen(),
            "progress_bp": contract.confirmed_progress_bp(),
            "saved_fen": contract.change_orders.money_saved_fen(),
        },
        "blocked": queries.blocked_attempts([contract])[:50],
        "refusal": refusal,
        "checkpoint_blocked": isinstance(refusal, CheckpointBlocked),
        "is_leader": is_leader,
        "is_supervisor": FundRole.SUPERVISOR in roles,
        "is_cashier": FundRole.CASHIER in roles,
        "manager": manager,
        "signature_form": bound.get("signature_form") or SignatureForm(),
        "milestone_form": bound.get("milestone_form") or MilestoneForm(),
        "progress_form": bound.get("progress_form") or ProgressForm(),
        "payment_form": bound.get("payment_form") or PaymentRequestForm(contract=contract),
        "change_form": bound.get("change_form") or ChangeOrderForm(),
        "decide_form": DecideForm(),
        "pay_form": PayForm(),
        "active": active,
        # Errors of the small per-row forms (decide, pay, sign), shown above the page.
        "row_errors": [
            message
            for name, form in bound.items()
            if name in _ROW_FORMS and form.is_bound
            for messages_ in form.errors.values()
            for message in messages_
        ],
    }
    return render(request, "funds/contract_detail.html", context, status=status)


@role_required(*READERS)
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _contract(request, pk))


def _submit(
    request: HttpRequest,
    contract: Contract,
    name: str,
    form: forms.Form,
    call: Callable[[Actor, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate the form, call the action, and show what happened on the contract page."""
    if not form.is_valid():
        return _page(request, contract, bound={name: form})
    try:
        call(Actor.from_request(request), form.cleaned_data)
    except Refused as refusal:  # CheckpointBlocked too: the rule and its basis are in the message
        return _page(request, contract, status=403, refusal=refusal, bound={name: form})
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(request, contract, bound={name: form})
    messages.success(request, done)
    return redirect("funds:contract", contract.pk)


@role_required(Role.WORKBENCH)
@require_POST
def sign_integrity(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "sign_form",
        forms.Form(request.POST),
        lambda actor, _data: actions.sign_integrity_for_unit(actor, contract),
        _("The integrity contract is signed for the unit."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def contractor_signature(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "signature_form",
        SignatureForm(request.POST),
        lambda actor, data: actions.record_contractor_signature(actor, contract, **data),
        _("The contractor's signature is recorded."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "milestone_form",
        MilestoneForm(request.POST),
        lambda actor, data: actions.add_milestone(actor, contract, **data),
        _("The milestone is added to the payment schedule."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "activate_form",
        forms.Form(request.POST),
        lambda actor, _data: actions.activate_contract(actor, contract),
        _("The contract is active."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def progress_submit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "progress_form",
        ProgressForm(request.POST),
        lambda actor, data: actions.submit_progress(actor, contract, **data),
        _("The measurement is submitted to the supervising post."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def progress_decide(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(ProgressMeasurement, pk=pk, state=MeasurementState.SUBMITTED)
    contract = _contract(request, measurement.contract_id)
    return _submit(
        request,
        contract,
        "decide_form",
        DecideForm(request.POST),
        lambda actor, data: actions.confirm_progress(
            actor, measurement, confirm=data["approve"], comment=data["comment"]
        ),
        _("The measurement is decided."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "payment_form",
        PaymentRequestForm(request.POST, contract=contract),
        lambda actor, data: payments.request_payment(actor, contract, **data),
        _("The payment request passed the checkpoints and awaits approval."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def payment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PaymentRequest, pk=pk)
    contract = _contract(request, item.contract_id)
    return _submit(
        request,
        contract,
        "decide_form",
        DecideForm(request.POST),
        lambda actor, data: payments.decide_payment(
            actor, item, approve=data["approve"], comment=data["comment"]
        ),
        _("Your decision on the payment request is recorded."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def payment_pay(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PaymentRequest, pk=pk)
    contract = _contract(request, item.contract_id)
    return _submit(
        request,
        contract,
        "pay_form",
        PayForm(request.POST),
        lambda actor, data: payments.record_payment(actor, item, **data),
        _("The payment is recorded."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def change_submit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _submit(
        request,
        contract,
        "change_form",
        ChangeOrderForm(request.POST),
        lambda actor, data: changes.submit_change_order(actor, contract, **data),
        _("The change order passed the red lines and awaits approval."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeOrder, pk=pk)
    contract = _contract(request, change.contract_id)
    return _submit(
        request,
        contract,
        "decide_form",
        DecideForm(request.POST),
        lambda actor, data: changes.decide_change_order(
            actor, change, approve=data["approve"], comment=data["comment"]
        ),
        _("Your decision on the change order is recorded."),
    )
