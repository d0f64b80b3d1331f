"""API for project funds: read projects and contracts; progress, payments and change orders.

Amounts are integer fen (a JSON number with a fraction is refused, never rounded); shares are
integer basis points. A checkpoint block answers 403 with the rule and its legal basis.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import StrictInt

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.funds import actions, authority, changes, payments, queries
from sunlight.funds.models import (
    ChangeOrder,
    ChangeState,
    Contract,
    ContractState,
    PaymentRequest,
    ProgressMeasurement,
    Project,
    RequestState,
)
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Role

router = Router(tags=["funds"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


def _units(request: HttpRequest) -> set[int] | None:
    require_role(request, *READERS)
    inspector = Role.SUPERVISION in request_roles(request) and is_verified(request)
    return authority.readable_unit_ids(cast(User, request.user), verified=inspector)


def _contract(request: HttpRequest, pk: int) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("project__unit"), pk=pk)
    units = _units(request)
    if units is not None and contract.project.unit_id not in units:
        raise Http404
    return contract


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    budget_fen: int
    contracts_fen: int


class TotalsOut(Schema):
    projects: int
    supervised_fen: int
    paid_fen: int
    blocked_changes: int
    saved_fen: int
    rejected_changes: int
    blocked_payments: int


class ProjectsOut(Schema):
    totals: TotalsOut
    projects: list[ProjectOut]


@router.get(
    "/funds/projects", response={200: ProjectsOut, **ERRORS}, summary="Projects readable to you, with totals"
)
def list_projects(request: HttpRequest) -> ProjectsOut:
    units = _units(request)
    totals = queries.totals(units)
    return ProjectsOut(
        totals=TotalsOut(**{k: totals[k] for k in TotalsOut.model_fields}),
        projects=[
            ProjectOut(
                id=p.pk,
                code=p.code,
                name=p.name,
                unit=p.unit.code,
                budget_fen=p.budget_fen,
                contracts_fen=int(p.contracts_fen or 0),  # type: ignore[attr-defined]
            )
            for p in queries.project_rows(units)
        ],
    )


class BlockedOut(Schema):
    raised_at: dt.datetime
    subject: str
    person: str | None
    message: str


class ContractOut(Schema):
    id: int
    code: str
    title: str
    counterparty: str
    price_fen: int
    state: ContractState
    integrity_signed_by_both: bool
    approved_changes_fen: int
    paid_fen: int
    confirmed_progress_bp: int


class ProjectDetailOut(ProjectOut):
    contracts: list[ContractOut]
    blocked_attempts: list[BlockedOut]


def _contract_out(c: Contract) -> ContractOut:
    return ContractOut(
        id=c.pk,
        code=c.code,
        title=c.title,
        counterparty=c.counterparty,
        price_fen=c.price_fen,
        state=ContractState(c.state),
        integrity_signed_by_both=c.integrity.signed_by_both,
        approved_changes_fen=c.approved_changes_fen(),
        paid_fen=c.paid_fen(),
        confirmed_progress_bp=c.confirmed_progress_bp(),
    )


@router.get(
    "/funds/projects/{pk}",
    response={200: ProjectDetailOut, **ERRORS},
    summary="A project: contracts and the attempts blocked at its checkpoints",
)
def get_project(request: HttpRequest, pk: int) -> ProjectDetailOut:
    project = get_object_or_404(Project.objects.select_related("unit"), pk=pk)
    units = _units(request)
    if units is not None and project.unit_id not in units:
        raise Http404
    if Role.SUPERVISION in request_roles(request):
        appended_atomically(_actor(request), "funds.read", project)
    contracts = list(project.contracts.select_related("integrity"))
    return ProjectDetailOut(
        id=project.pk,
        code=project.code,
        name=project.name,
        unit=project.unit.code,
        budget_fen=project.budget_fen,
        contracts_fen=sum(c.price_fen for c in contracts),
        contracts=[_contract_out(c) for c in contracts],
        blocked_attempts=[
            BlockedOut(
                raised_at=a.raised_at,
                subject=f"{a.subject_type}:{a.subject_id}",
                person=a.person.full_name if a.person else None,
                message=a.message,
            )
            for a in queries.blocked_attempts(contracts)
        ],
    )


class ChangeIn(Schema):
    title: str
    reason: str
    amount_fen: StrictInt


class ChangeOut(Schema):
    id: int
    number: int
    state: ChangeState
    amount_fen: int
    checkpoint: dict[str, object]


def _change_out(c: ChangeOrder) -> ChangeOut:
    return ChangeOut(
        id=c.pk, number=c.number, state=ChangeState(c.state), amount_fen=c.amount_fen, checkpoint=c.checkpoint
    )


@router.post(
    "/funds/contracts/{pk}/change-orders",
    response={201: ChangeOut, **ERRORS},
    summary="Submit a change order; the red lines answer 403 naming the rule",
)
def submit_change(request: HttpRequest, pk: int, body: ChangeIn) -> Status[ChangeOut]:
    contract = _contract(request, pk)
    change = changes.submit_change_order(
        _actor(request), contract, title=body.title, reason=body.reason, amount_fen=body.amount_fen
    )
    return Status(201, _change_out(change))


class DecisionIn(Schema):
    approve: bool
    comment: str = ""


@router.post(
    "/funds/change-orders/{pk}/decision",
    response={200: ChangeOut, **ERRORS},
    summary="Approve or reject a step",
)
def decide_change(request: HttpRequest, pk: int, body: DecisionIn) -> ChangeOut:
    change = get_object_or_404(ChangeOrder, pk=pk)
    _contract(request, change.contract_id)
    return _change_out(
        changes.decide_change_order(_actor(request), change, approve=body.approve, comment=body.comment)
    )


class PaymentIn(Schema):
    milestone: int  # the milestone's number in the contract's schedule
    amount_fen: StrictInt
    invoice_number: str


class PaymentOut(Schema):
    id: int
    state: RequestState
    amount_fen: int
    checkpoint: dict[str, object]


def _payment_out(r: PaymentRequest) -> PaymentOut:
    return PaymentOut(id=r.pk, state=RequestState(r.state), amount_fen=r.amount_fen, checkpoint=r.checkpoint)


@router.post(
    "/funds/contracts/{pk}/payment-requests",
    response={201: PaymentOut, **ERRORS},
    summary="Request a payment; the fund-payment checkpoint answers 403 naming the rule",
)
def request_payment(request: HttpRequest, pk: int, body: PaymentIn) -> Status[PaymentOut]:
    contract = _contract(request, pk)
    milestone = get_object_or_404(contract.milestones, number=body.milestone)
    item = payments.request_payment(
        _actor(request),
        contract,
        milestone=milestone,
        amount_fen=body.amount_fen,
        invoice_number=body.invoice_number,
    )
    return Status(201, _payment_out(item))


@router.post(
    "/funds/payment-requests/{pk}/decision",
    response={200: PaymentOut, **ERRORS},
    summary="Approve or reject a step",
)
def decide_payment(request: HttpRequest, pk: int, body: DecisionIn) -> PaymentOut:
    item = get_object_or_404(PaymentRequest, pk=pk)
    _contract(request, item.contract_id)
    return _payment_out(
        payments.decide_payment(_actor(request), item, approve=body.approve, comment=body.comment)
    )


class PayIn(Schema):
    voucher_number: str


@router.post(
    "/funds/payment-requests/{pk}/payment",
    response={200: PaymentOut, **ERRORS},
    summary="Record the payment (cashier)",
)
def pay(request: HttpRequest, pk: int, body: PayIn) -> PaymentOut:
    item = get_object_or_404(PaymentRequest, pk=pk)
    _contract(request, item.contract_id)
    payments.record_payment(_actor(request), item, voucher_number=body.voucher_number)
    item.refresh_from_db()
    return _payment_out(item)


class ProgressIn(Schema):
    progress_bp: StrictInt
    measured_on: dt.date
    description: str


class ProgressOut(Schema):
    id: int
    progress_bp: int
    state: str


@router.post(
    "/funds/contracts/{pk}/progress", response={201: ProgressOut, **ERRORS}, summary="Submit a measurement"
)
def submit_progress(request: HttpRequest, pk: int, body: ProgressIn) -> Status[ProgressOut]:
    contract = _contract(request, pk)
    m = actions.submit_progress(
        _actor(request),
        contract,
        progress_bp=body.progress_bp,
        measured_on=body.measured_on,
        description=body.description,
    )
    return Status(201, ProgressOut(id=m.pk, progress_bp=m.progress_bp, state=m.state))


@router.post(
    "/funds/progress/{pk}/decision",
    response={200: ProgressOut, **ERRORS},
    summary="Confirm or reject a measurement (the supervising post)",
)
def decide_progress(request: HttpRequest, pk: int, body: DecisionIn) -> ProgressOut:
    m = get_object_or_404(ProgressMeasurement, pk=pk)
    _contract(request, m.contract_id)
    actions.confirm_progress(_actor(request), m, confirm=body.approve, comment=body.comment)
    return ProgressOut(id=m.pk, progress_bp=m.progress_bp, state=m.state)
