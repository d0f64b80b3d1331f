"""Payment requests → approvals → payments, through the fund-payment checkpoint (S18).

The checkpoint runs when a request is made and again at its final approval (progress,
payments and rules may have moved in between). A blocked request is kept, in state BLOCKED
with the evaluation, in a transaction of its own after the action's rollback; the
`CheckpointBlocked` then goes on to `@records_refusals`, which records the attempt in the
ledger and raises the red CHECKPOINT_BLOCKED alarm with the request as its subject.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.checkpoints.engine import CheckpointBlocked, NodeKind, enforce
from sunlight.funds import authority
from sunlight.funds.checks import payment_context
from sunlight.funds.models import (
    Approval,
    Contract,
    Decision,
    FundRole,
    Milestone,
    Payment,
    PaymentRequest,
    RequestState,
)
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing


@records_refusals
def request_payment(
    actor: Actor, contract: Contract, *, milestone: Milestone, amount_fen: int, invoice_number: str
) -> PaymentRequest:
    unit = contract.unit
    standing = authority.require(
        actor, unit, FundRole.PROJECT_MANAGER, action="funds.request_payment", obj=contract
    )
    errors: dict[str, str] = {}
    if milestone.contract_id != contract.pk:
        errors["milestone"] = _("Choose a milestone of this contract.")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = _("Enter an amount above zero.")
    if not invoice_number.strip():
        errors["invoice_number"] = _("Give the invoice number.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    fields = {
        "contract": contract,
        "milestone": milestone,
        "amount_fen": amount_fen,
        "invoice_number": invoice_number.strip(),
        "requested_by": authority.person(actor),
    }
    try:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            request = PaymentRequest.objects.create(**fields)
            evaluation = enforce(
                NodeKind.FUND_PAYMENT,
                payment_context(request, today),
                action="funds.request_payment",
                obj=request,
                unit=unit,
                on=today,
            )
            request.checkpoint = evaluation.as_ledger_detail()
            request.save(update_fields=["checkpoint"])
            append(
                actor.acting_as(standing),
                "funds.request_payment",
                request,
                changes={
                    "amount_fen": (None, amount_fen),
                    "milestone": (None, milestone.number),
                    "invoice_number": (None, request.invoice_number),
                },
                detail={"checkpoints": request.checkpoint},
            )
    except CheckpointBlocked as blocked:
        with transaction.atomic():
            request = PaymentRequest.objects.create(
                **fields,
                state=RequestState.BLOCKED,
                checkpoint=blocked.detail,
                decided_at=timezone.now(),
                reason=blocked.message,
            )
            _append_blocked(actor, standing, request, blocked, before=None)
        blocked.obj = request
        raise
    return request


def _append_blocked(
    actor: Actor,
    standing: Standing,
    request: PaymentRequest,
    blocked: CheckpointBlocked,
    *,
    before: str | None,
) -> None:
    append(
        actor.acting_as(standing),
        "funds.payment_blocked",
        request,
        changes={"state": (before, RequestState.BLOCKED), "amount_fen": (None, request.amount_fen)},
        reason=blocked.message,
        detail={"checkpoints": blocked.detail},
    )


@records_refusals
def decide_payment(
    actor: Actor, request: PaymentRequest, *, approve: bool, comment: str = ""
) -> PaymentRequest:
    """One step of the unit's payment approval chain; the last approval passes the checkpoint again."""
    unit = request.contract.unit
    step = request.approvals.count() + 1
    standing = authority.require(
        actor, unit, FundRole.PAYMENT_APPROVER, action="funds.decide_payment", obj=request, step=step
    )
    if actor.user is not None and actor.user.pk == request.requested_by_id:
        raise Refused(
            _("Whoever requested a payment cannot approve it."),
            action="funds.decide_payment",
            obj=request,
            unit_id=unit.pk,
        )
    if request.state != RequestState.PENDING:
        raise ValidationError(_("This request is not awaiting approval."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Give the reason for rejecting.")})
    final = approve and step >= authority.chain_length(unit, FundRole.PAYMENT_APPROVER)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=request.contract_id).first()
            if request.approvals.count() + 1 != step:
                raise ValidationError(_("Someone else has just decided this step; reload the page."))
            Approval.objects.create(
                payment_request=request,
                step=step,
                post=standing.post,
                person=authority.person(actor),
                decision=Decision.APPROVE if approve else Decision.REJECT,
                comment=comment.strip(),
            )
            before = request.state
            detail = {}
            if not approve:
                request.state, request.reason = RequestState.REJECTED, comment.strip()
            elif final:
                evaluation = enforce(
                    NodeKind.FUND_PAYMENT,
                    payment_context(request, today),
                    action="funds.decide_payment",
                    obj=request,
                    unit=unit,
                    on=today,
                )
                request.state, request.checkpoint = RequestState.APPROVED, evaluation.as_ledger_detail()
                detail = {"checkpoints": request.checkpoint}
            if request.state != before:
                request.decided_at = timezone.now()
            request.save(update_fields=["state", "reason", "checkpoint", "decided_at"])
            append(
                actor.acting_as(standing),
                "funds.decide_payment",
                request,
                changes={
                    "state": (before, request.state),
                    f"step.{step}": (None, "approve" if approve else "reject"),
                },
                reason=comment,
                detail=detail,
            )
    except CheckpointBlocked as blocked:
        with transaction.atomic():
            request.state, request.checkpoint = RequestState.BLOCKED, blocked.detail
            request.decided_at, request.reason = timezone.now(), blocked.message
            request.save(update_fields=["state", "checkpoint", "decided_at", "reason"])
            _append_blocked(actor, standing, request, blocked, before=RequestState.PENDING)
        raise
    return request


@records_refusals
def record_payment(actor: Actor, request: PaymentRequest, *, voucher_number: str) -> Payment:
    """The cashier records that an approved request was paid, with the voucher number."""
    unit = request.contract.unit
    standing = authority.require(actor, unit, FundRole.CASHIER, action="funds.record_payment", obj=request)
    if not voucher_number.strip():
        raise ValidationError({"voucher_number": _("Give the voucher number.")})
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != RequestState.APPROVED:
            raise ValidationError(_("Only an approved request can be paid."))
        payment = Payment.objects.create(
            request=locked,
            amount_fen=locked.amount_fen,
            paid_on=timezone.localdate(),
            voucher_number=voucher_number.strip(),
            paid_by=authority.person(actor),
        )
        locked.state = RequestState.PAID
        locked.save(update_fields=["state"])
        request.state = locked.state
        append(
            actor.acting_as(standing),
            "funds.record_payment",
            locked,
            changes={
                "state": (RequestState.APPROVED, RequestState.PAID),
                "amount_fen": (None, payment.amount_fen),
                "voucher_number": (None, payment.voucher_number),
            },
        )
    return payment
