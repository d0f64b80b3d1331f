"""Change orders (变更签证, S19): the red lines at the design-change checkpoint, then approvals.

A change order over a red line (single change above 500,000.00 yuan, or cumulative changes
above 20.00% of the contract price, unless the unit has its own thresholds) is blocked: kept
as BLOCKED with the evaluation, recorded in the ledger and alarmed. The money it would have
added is what the controls saved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.checkpoints.engine import CheckpointBlocked, NodeKind, enforce
from sunlight.funds import authority
from sunlight.funds.checks import change_context
from sunlight.funds.models import (
    Approval,
    ChangeOrder,
    ChangeState,
    Contract,
    ContractState,
    Decision,
    FundRole,
)
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing


@records_refusals
def submit_change_order(
    actor: Actor, contract: Contract, *, title: str, reason: str, amount_fen: int
) -> ChangeOrder:
    unit = contract.unit
    standing = authority.require(
        actor, unit, FundRole.PROJECT_MANAGER, action="funds.submit_change_order", obj=contract
    )
    errors: dict[str, str] = {}
    if contract.state != ContractState.ACTIVE:
        errors["title"] = _("Change orders are made on active contracts only.")
    if not title.strip():
        errors["title"] = _("Give the change a title.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the change.")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = _("Enter the amount the change adds, above zero.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "contract": contract,
        "title": title.strip(),
        "reason": reason.strip(),
        "amount_fen": amount_fen,
        "submitted_by": authority.person(actor),
    }
    try:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            change = ChangeOrder.objects.create(number=_next_number(contract), **fields)
            evaluation = enforce(
                NodeKind.DESIGN_CHANGE,
                change_context(change),
                action="funds.submit_change_order",
                obj=change,
                unit=unit,
            )
            change.checkpoint = evaluation.as_ledger_detail()
            change.save(update_fields=["checkpoint"])
            append(
                actor.acting_as(standing),
                "funds.submit_change_order",
                change,
                changes={"title": (None, change.title), "amount_fen": (None, amount_fen)},
                reason=change.reason,
                detail={"checkpoints": change.checkpoint},
            )
    except CheckpointBlocked as blocked:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            change = ChangeOrder.objects.create(
                number=_next_number(contract),
                state=ChangeState.BLOCKED,
                checkpoint=blocked.detail,
                decided_at=timezone.now(),
                **fields,
            )
            _append_blocked(actor, standing, change, blocked, before=None)
        blocked.obj = change
        raise
    return change


def _next_number(contract: Contract) -> int:
    return (ChangeOrder.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1


def _append_blocked(
    actor: Actor, standing: Standing, change: ChangeOrder, blocked: CheckpointBlocked, *, before: str | None
) -> None:
    append(
        actor.acting_as(standing),
        "funds.change_order_blocked",
        change,
        changes={"state": (before, ChangeState.BLOCKED), "amount_fen": (None, change.amount_fen)},
        reason=blocked.message,
        detail={"checkpoints": blocked.detail},
    )


@records_refusals
def decide_change_order(
    actor: Actor, change: ChangeOrder, *, approve: bool, comment: str = ""
) -> ChangeOrder:
    """One step of the unit's change-order approval chain; the last approval passes the red lines again."""
    unit = change.contract.unit
    step = change.approvals.count() + 1
    standing = authority.require(
        actor, unit, FundRole.CHANGE_APPROVER, action="funds.decide_change_order", obj=change, step=step
    )
    if actor.user is not None and actor.user.pk == change.submitted_by_id:
        raise Refused(
            _("Whoever submitted a change order cannot approve it."),
            action="funds.decide_change_order",
            obj=change,
            unit_id=unit.pk,
        )
    if change.state != ChangeState.PENDING:
        raise ValidationError(_("This change order is not awaiting approval."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Give the reason for rejecting.")})
    final = approve and step >= authority.chain_length(unit, FundRole.CHANGE_APPROVER)
    try:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=change.contract_id).first()
            if change.approvals.count() + 1 != step:
                raise ValidationError(_("Someone else has just decided this step; reload the page."))
            Approval.objects.create(
                change_order=change,
                step=step,
                post=standing.post,
                person=authority.person(actor),
                decision=Decision.APPROVE if approve else Decision.REJECT,
                comment=comment.strip(),
            )
            before = change.state
            detail = {}
            if not approve:
                change.state = ChangeState.REJECTED
            elif final:
                evaluation = enforce(
                    NodeKind.DESIGN_CHANGE,
                    change_context(change),
                    action="funds.decide_change_order",
                    obj=change,
                    unit=unit,
                )
                change.state, change.checkpoint = ChangeState.APPROVED, evaluation.as_ledger_detail()
                detail = {"checkpoints": change.checkpoint}
            if change.state != before:
                change.decided_at = timezone.now()
            change.save(update_fields=["state", "checkpoint", "decided_at"])
            append(
                actor.acting_as(standing),
                "funds.decide_change_order",
                change,
                changes={
                    "state": (before, change.state),
                    f"step.{step}": (None, "approve" if approve else "reject"),
                },
                reason=comment,
                detail=detail,
            )
    except CheckpointBlocked as blocked:
        with transaction.atomic():
            change.state, change.checkpoint, change.decided_at = (
                ChangeState.BLOCKED,
                blocked.detail,
                timezone.now(),
            )
            change.save(update_fields=["state", "checkpoint", "decided_at"])
            _append_blocked(actor, standing, change, blocked, before=ChangeState.PENDING)
        raise
    return change
