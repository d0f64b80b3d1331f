"""Projects, contracts, integrity contracts, payment schedules, progress and fund posts.

Payment requests live in `payments.py` and change orders in `changes.py`: the checkpoint
actions, split off by that seam.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.funds import authority
from sunlight.funds.models import (
    FULL_SHARE_BP,
    Contract,
    ContractKind,
    ContractState,
    FundPost,
    FundRole,
    IntegrityContract,
    MeasurementState,
    Milestone,
    ProgressMeasurement,
    Project,
    ProjectState,
)
from sunlight.funds.shares import format_bp
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.lib.codes import is_valid_uscc
from sunlight.orgs.actions import require_admin
from sunlight.orgs.authority import Standing, current_assignments
from sunlight.orgs.models import LEADER_POST_KINDS, Organisation, Post

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")


def _money(errors: dict[str, str], field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors[field] = _("Enter an amount above zero.")


@records_refusals
def designate_post(actor: Actor, *, unit: Organisation, role: str, post: Post, step: int = 1) -> FundPost:
    """An admin records which post of the unit plays a role in fund control."""
    require_admin(actor, "funds.designate_post", unit)
    errors: dict[str, str] = {}
    if role not in FundRole.values:
        errors["role"] = _("Choose a role.")
    elif post.kind not in authority.ALLOWED_KINDS[role]:
        errors["post"] = _("A %(kind)s post cannot be designated as %(role)s.") % {
            "kind": post.get_kind_display(),
            "role": FundRole(role).label,
        }
    if post.organisation.unit_id != unit.pk:
        errors["post"] = _("The post belongs to another unit.")
    if step < 1:
        errors["step"] = _("Steps start at 1.")
    if FundPost.objects.filter(unit=unit, role=role, post=post).exists():
        errors["post"] = _("This post is already designated for this role.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        designation = FundPost.objects.create(unit=unit, role=role, post=post, step=step)
        append(
            actor,
            "funds.designate_post",
            designation,
            changes={
                "unit": (None, unit.code),
                "role": (None, role),
                "post": (None, post.code),
                "step": (None, step),
            },
        )
    return designation


@records_refusals
def remove_designation(actor: Actor, designation: FundPost, *, reason: str) -> None:
    require_admin(actor, "funds.remove_designation", designation.unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        append(
            actor,
            "funds.remove_designation",
            designation,
            changes={"post": (designation.post.code, None), "role": (designation.role, None)},
            reason=reason,
        )
        designation.delete()


@records_refusals
def create_project(
    actor: Actor, *, unit: Organisation, code: str, name: str, approval_reference: str, budget_fen: int
) -> Project:
    standing = authority.require(
        actor, unit, FundRole.PROJECT_MANAGER, action="funds.create_project", obj=("funds.project", code)
    )
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if not _CODE.match(code):
        errors["code"] = _("A code is capital letters, digits and hyphens, e.g. SWJ-XM-2026-001.")
    elif Project.objects.filter(code=code).exists():
        errors["code"] = _("Another project already has the code %(code)s.") % {"code": code}
    if not name.strip():
        errors["name"] = _("Name the project.")
    if not approval_reference.strip():
        errors["approval_reference"] = _("Give the approval document number (立项批复文号).")
    _money(errors, "budget_fen", budget_fen)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = Project.objects.create(
            unit=unit,
            code=code,
            name=name.strip(),
            approval_reference=approval_reference.strip(),
            budget_fen=budget_fen,
            state=ProjectState.UNDER_CONSTRUCTION,
            created_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "funds.create_project",
            project,
            changes={
                f: (None, getattr(project, f)) for f in ("code", "name", "approval_reference", "budget_fen")
            },
        )
    return project


@records_refusals
def create_contract(
    actor: Actor,
    project: Project,
    *,
    code: str,
    title: str,
    kind: str,
    counterparty: str,
    counterparty_code: str,
    price_fen: int,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    integrity_number: str,
) -> Contract:
    """A draft contract and its (unsigned) integrity contract, kept with the project."""
    standing = authority.require(
        actor, project.unit, FundRole.PROJECT_MANAGER, action="funds.create_contract", obj=project
    )
    code, counterparty_code = code.strip().upper(), counterparty_code.strip().upper()
    errors: dict[str, str] = {}
    if not _CODE.match(code):
        errors["code"] = _("A contract number is capital letters, digits and hyphens.")
    elif Contract.objects.filter(code=code).exists():
        errors["code"] = _("Another contract already has the number %(code)s.") % {"code": code}
    if not title.strip():
        errors["title"] = _("Give the contract's title.")
    if kind not in ContractKind.values:
        errors["kind"] = _("Choose the kind of contract.")
    if not counterparty.strip():
        errors["counterparty"] = _("Name the contractor.")
    if not is_valid_uscc(counterparty_code):
        errors["counterparty_code"] = _("%(code)s is not a valid unified social credit code.") % {
            "code": counterparty_code
        }
    _money(errors, "price_fen", price_fen)
    if ends_on < starts_on:
        errors["ends_on"] = _("The end is before the start.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if not integrity_number.strip():
        errors["integrity_number"] = _("Give the number of the integrity contract (廉洁合同).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract = Contract.objects.create(
            project=project,
            code=code,
            title=title.strip(),
            kind=kind,
            counterparty=counterparty.strip(),
            counterparty_code=counterparty_code,
            price_fen=price_fen,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor.user,
        )
        IntegrityContract.objects.create(
            project=project, contract=contract, document_number=integrity_number.strip()
        )
        append(
            actor.acting_as(standing),
            "funds.create_contract",
            contract,
            changes={
                f: (None, getattr(contract, f))
                for f in (
                    "code",
                    "title",
                    "kind",
                    "counterparty",
                    "counterparty_code",
                    "price_fen",
                    "signed_on",
                )
            }
            | {"integrity_contract": (None, integrity_number.strip())},
        )
    return contract


def _leader_standing(actor: Actor, unit: Organisation) -> Standing | None:
    if actor.user is None:
        return None
    for assignment in current_assignments(actor.user):
        if assignment.post.organisation.unit_id == unit.pk and assignment.post.kind in LEADER_POST_KINDS:
            return Standing(post=assignment.post, assignment=assignment)
    return None


@records_refusals
def sign_integrity_for_unit(actor: Actor, contract: Contract) -> IntegrityContract:
    """The unit's head or a leader in charge signs the integrity contract for party A."""
    unit = contract.unit
    standing = _leader_standing(actor, unit)
    if standing is None:
        raise Refused(
            _("Only the head or a leader in charge of %(unit)s signs integrity contracts for it.")
            % {"unit": unit},
            action="funds.sign_integrity",
            obj=contract,
            unit_id=unit.pk,
        )
    integrity = contract.integrity
    if integrity.owner_signed_at is not None:
        raise ValidationError(_("The unit has already signed this integrity contract."))
    with transaction.atomic():
        integrity.owner_signed_by, integrity.owner_signed_at = actor.user, timezone.now()
        integrity.save(update_fields=["owner_signed_by", "owner_signed_at"])
        append(
            actor.acting_as(standing),
            "funds.sign_integrity",
            integrity,
            changes={"owner_signed_at": (None, integrity.owner_signed_at)},
        )
    return integrity


@records_refusals
def record_contractor_signature(
    actor: Actor, contract: Contract, *, signatory: str, signed_on: dt.date
) -> IntegrityContract:
    """A project manager records the contractor's signature on the integrity contract."""
    standing = authority.require(
        actor,
        contract.unit,
        FundRole.PROJECT_MANAGER,
        action="funds.record_contractor_signature",
        obj=contract,
    )
    integrity = contract.integrity
    errors: dict[str, str] = {}
    if integrity.counterparty_signed_on is not None:
        errors["signatory"] = _("The contractor's signature is already recorded.")
    if not signatory.strip():
        errors["signatory"] = _("Name who signed for the contractor.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        integrity.counterparty_signatory = signatory.strip()
        integrity.counterparty_signed_on = signed_on
        integrity.counterparty_recorded_by = actor.user
        integrity.save(
            update_fields=["counterparty_signatory", "counterparty_signed_on", "counterparty_recorded_by"]
        )
        append(
            actor.acting_as(standing),
            "funds.record_contractor_signature",
            integrity,
            changes={
                "counterparty_signatory": (None, integrity.counterparty_signatory),
                "signed_on": (None, signed_on),
            },
        )
    return integrity


@records_refusals
def add_milestone(
    actor: Actor, contract: Contract, *, name: str, earliest_on: dt.date, max_share_bp: int
) -> Milestone:
    """Add the next node of a draft contract's payment schedule; dates and shares never go back."""
    standing = authority.require(
        actor, contract.unit, FundRole.PROJECT_MANAGER, action="funds.add_milestone", obj=contract
    )
    if contract.state != ContractState.DRAFT:
        raise ValidationError(_("The payment schedule is fixed once the contract is active."))
    previous = contract.milestones.order_by("-number").first()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the milestone.")
    if isinstance(max_share_bp, bool) or not 0 < max_share_bp <= FULL_SHARE_BP:
        errors["max_share_bp"] = _("The share is above 0% and at most 100%.")
    elif previous is not None and max_share_bp < previous.max_share_bp:
        errors["max_share_bp"] = _(
            "The cumulative share cannot fall below the previous milestone's %(share)s."
        ) % {"share": format_bp(previous.max_share_bp)}
    if previous is not None and earliest_on < previous.earliest_on:
        errors["earliest_on"] = _("The date cannot be before the previous milestone's.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            contract=contract,
            number=(previous.number if previous else 0) + 1,
            name=name.strip(),
            earliest_on=earliest_on,
            max_share_bp=max_share_bp,
        )
        append(
            actor.acting_as(standing),
            "funds.add_milestone",
            contract,
            changes={
                f"milestone.{milestone.number}": (
                    None,
                    {"name": milestone.name, "earliest_on": earliest_on, "max_share_bp": max_share_bp},
                )
            },
        )
    return milestone


@records_refusals
def activate_contract(actor: Actor, contract: Contract) -> Contract:
    """A contract becomes active only with its integrity contract signed by both parties (S27)."""
    standing = authority.require(
        actor, contract.unit, FundRole.PROJECT_MANAGER, action="funds.activate_contract", obj=contract
    )
    if contract.state != ContractState.DRAFT:
        raise ValidationError(_("Only a draft contract can become active."))
    integrity = IntegrityContract.objects.filter(contract=contract).first()
    if integrity is None or not integrity.signed_by_both:
        raise ValidationError(
            _(
                "The integrity contract (廉洁合同) must be signed by both parties before the contract becomes active."
            )
        )
    if not contract.milestones.exists():
        raise ValidationError(_("Set the payment schedule before the contract becomes active."))
    with transaction.atomic():
        contract.state, contract.activated_at = ContractState.ACTIVE, timezone.now()
        contract.save(update_fields=["state", "activated_at"])
        append(
            actor.acting_as(standing),
            "funds.activate_contract",
            contract,
            changes={"state": (ContractState.DRAFT, ContractState.ACTIVE)},
            detail={"integrity_contract": integrity.document_number},
        )
    return contract


@records_refusals
def submit_progress(
    actor: Actor, contract: Contract, *, progress_bp: int, measured_on: dt.date, description: str
) -> ProgressMeasurement:
    standing = authority.require(
        actor, contract.unit, FundRole.PROJECT_MANAGER, action="funds.submit_progress", obj=contract
    )
    errors: dict[str, str] = {}
    if contract.state != ContractState.ACTIVE:
        errors["progress_bp"] = _("Progress is measured on active contracts only.")
    elif isinstance(progress_bp, bool) or not 0 < progress_bp <= FULL_SHARE_BP:
        errors["progress_bp"] = _("Progress is above 0% and at most 100%.")
    elif progress_bp < contract.confirmed_progress_bp():
        errors["progress_bp"] = _("Cumulative progress cannot fall below the confirmed %(share)s.") % {
            "share": format_bp(contract.confirmed_progress_bp())
        }
    if measured_on > timezone.localdate():
        errors["measured_on"] = _("A measurement cannot be dated in the future.")
    if not description.strip():
        errors["description"] = _("Describe the work measured.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        measurement = ProgressMeasurement.objects.create(
            contract=contract,
            progress_bp=progress_bp,
            measured_on=measured_on,
            description=description.strip(),
            submitted_by=authority.person(actor),
        )
        append(
            actor.acting_as(standing),
            "funds.submit_progress",
            measurement,
            changes={"progress_bp": (None, progress_bp), "measured_on": (None, measured_on)},
        )
    return measurement


@records_refusals
def confirm_progress(
    actor: Actor, measurement: ProgressMeasurement, *, confirm: bool, comment: str = ""
) -> ProgressMeasurement:
    """The unit's supervising post confirms (or rejects) a measurement; never its own."""
    contract = measurement.contract
    standing = authority.require(
        actor, contract.unit, FundRole.SUPERVISOR, action="funds.confirm_progress", obj=measurement
    )
    if actor.user is not None and actor.user.pk == measurement.submitted_by_id:
        raise Refused(
            _("Whoever measured the progress cannot also confirm it."),
            action="funds.confirm_progress",
            obj=measurement,
            unit_id=contract.unit.pk,
        )
    if measurement.state != MeasurementState.SUBMITTED:
        raise ValidationError(_("This measurement has already been decided."))
    if not confirm and not comment.strip():
        raise ValidationError({"comment": _("Give the reason for rejecting.")})
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        if confirm and measurement.progress_bp < contract.confirmed_progress_bp():
            raise ValidationError(_("A later measurement with more progress is already confirmed."))
        measurement.state = MeasurementState.CONFIRMED if confirm else MeasurementState.REJECTED
        measurement.confirmed_by, measurement.confirmed_at = actor.user, timezone.now()
        measurement.comment = comment.strip()
        measurement.save(update_fields=["state", "confirmed_by", "confirmed_at", "comment"])
        append(
            actor.acting_as(standing),
            "funds.confirm_progress",
            measurement,
            changes={"state": (MeasurementState.SUBMITTED, measurement.state)},
            reason=comment,
        )
    return measurement
