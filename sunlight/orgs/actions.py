"""Every change to organisations, posts, assignments and delegations happens here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import AccountKind, User
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.lib.codes import is_valid_division_code, is_valid_uscc
from sunlight.orgs import rules
from sunlight.orgs.authority import roles_of
from sunlight.orgs.models import (
    BUSINESS_POST_KINDS,
    UNIT_KINDS,
    Assignment,
    CodeScheme,
    Delegation,
    Organisation,
    OrgKind,
    Post,
    PostKind,
    Role,
)

_INTERNAL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
_ABBR = re.compile(r"^[A-Z]{2,8}$")
# A delegation may start a little before the request reaches us (clock skew of the browser),
# never earlier: the server's clock is the only clock.
_BACKDATE_TOLERANCE = dt.timedelta(minutes=5)


# Called after organisations or posts change (other apps keep short-lived lookups of them).
_structure_listeners: list[Callable[[], None]] = []


def on_structure_change(listener: Callable[[], None]) -> None:
    if listener not in _structure_listeners:
        _structure_listeners.append(listener)


def _structure_changed() -> None:
    for listener in _structure_listeners:
        transaction.on_commit(listener)
        listener()


def require_admin(actor: Actor, action: str, obj: Model | tuple[str, str]) -> None:
    """Organisation data is kept by the district's admins, or by the system at set-up."""
    if actor.user is None:
        return
    if Role.ADMINISTRATION not in roles_of(actor.user):
        raise Refused(_("Only a system administrator may do this."), action=action, obj=obj)


def validate_code(code: str, scheme: str) -> None:
    if scheme == CodeScheme.USCC and not is_valid_uscc(code):
        raise ValidationError(
            {"code": _("%(code)s is not a valid unified social credit code.") % {"code": code}}
        )
    if scheme == CodeScheme.DIVISION and not is_valid_division_code(code):
        raise ValidationError(
            {"code": _("%(code)s is not a valid administrative division code.") % {"code": code}}
        )
    if scheme == CodeScheme.INTERNAL and not _INTERNAL_CODE.match(code):
        raise ValidationError(
            {"code": _("An internal code uses capital letters, digits and hyphens (2–32 characters).")}
        )


def _check_organisation(org: Organisation) -> None:
    validate_code(org.code, org.code_scheme)
    if org.abbr and not _ABBR.match(org.abbr):
        raise ValidationError({"abbr": _("The abbreviation is 2–8 capital letters, e.g. CZJ.")})
    if org.kind == OrgKind.DISTRICT:
        if org.parent_id is not None:
            raise ValidationError({"parent": _("The district has no parent organisation.")})
    elif org.parent is None:
        raise ValidationError({"parent": _("Every organisation except the district has a parent.")})
    elif org.kind in UNIT_KINDS and org.parent.kind != OrgKind.DISTRICT:
        raise ValidationError({"parent": _("A unit must sit directly under the district.")})
    elif org.kind == OrgKind.OFFICE and org.parent.kind == OrgKind.DISTRICT:
        raise ValidationError({"parent": _("An office must belong to a unit.")})
    if org.kind in UNIT_KINDS and not org.abbr:
        raise ValidationError({"abbr": _("A unit needs an abbreviation for its numbers.")})
    clash = Organisation.objects.exclude(pk=org.pk)
    if clash.filter(code=org.code).exists():
        raise ValidationError(
            {"code": _("Another organisation already has the code %(code)s.") % {"code": org.code}}
        )
    if org.abbr and clash.filter(abbr=org.abbr).exists():
        raise ValidationError(
            {"abbr": _("Another unit already uses the abbreviation %(abbr)s.") % {"abbr": org.abbr}}
        )


def _unit_of(org: Organisation) -> Organisation | None:
    if org.kind == OrgKind.DISTRICT:
        return None
    if org.kind in UNIT_KINDS:
        return org
    return org.parent.unit if org.parent is not None else None


@records_refusals
def create_organisation(
    actor: Actor,
    *,
    code: str,
    code_scheme: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    abbr: str = "",
    sort: int = 0,
) -> Organisation:
    require_admin(actor, "orgs.create_organisation", ("orgs.organisation", code))
    org = Organisation(
        code=code.strip(),
        code_scheme=code_scheme,
        name=name.strip(),
        kind=kind,
        parent=parent,
        abbr=abbr.strip(),
        sort=sort,
    )
    org.full_clean(exclude=["unit", "code", "abbr"])
    _check_organisation(org)
    with transaction.atomic():
        org.save()
        org.unit = _unit_of(org)
        if org.kind in UNIT_KINDS:
            org.unit = org
        org.save(update_fields=["unit"])
        append(
            actor,
            "orgs.create_organisation",
            org,
            changes={f: (None, getattr(org, f)) for f in ("code", "name", "kind", "abbr")}
            | {"parent": (None, parent.code if parent else None)},
        )
    _structure_changed()
    return org


@records_refusals
def update_organisation(
    actor: Actor, org: Organisation, *, name: str, abbr: str, sort: int, is_active: bool, reason: str = ""
) -> Organisation:
    require_admin(actor, "orgs.update_organisation", org)
    before = {"name": org.name, "abbr": org.abbr, "sort": org.sort, "is_active": org.is_active}
    org.name, org.abbr, org.sort, org.is_active = name.strip(), abbr.strip(), sort, is_active
    org.full_clean(exclude=["unit", "code", "abbr"])
    _check_organisation(org)
    after = {"name": org.name, "abbr": org.abbr, "sort": org.sort, "is_active": org.is_active}
    changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if not changes:
        return org
    with transaction.atomic():
        org.save(update_fields=list(changes))
        append(actor, "orgs.update_organisation", org, changes=changes, reason=reason)
    _structure_changed()
    return org


@records_refusals
def create_post(
    actor: Actor,
    *,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str,
    jurisdiction: Iterable[Organisation] = (),
) -> Post:
    require_admin(actor, "orgs.create_post", organisation)
    post = Post(organisation=organisation, code=code.strip(), name=name.strip(), kind=kind)
    post.full_clean(exclude=["code"])
    if not _INTERNAL_CODE.match(post.code):
        raise ValidationError({"code": _("A post code uses capital letters, digits and hyphens.")})
    if Post.objects.filter(code=post.code).exists():
        raise ValidationError(
            {"code": _("Another post already has the code %(code)s.") % {"code": post.code}}
        )
    units = list(jurisdiction)
    if (
        kind == PostKind.INSPECTOR
        and organisation.unit is not None
        and organisation.unit.kind != OrgKind.COMMISSION
    ):
        raise ValidationError({"kind": _("Inspector posts belong to the discipline inspection commission.")})
    if units and kind != PostKind.INSPECTOR:
        raise ValidationError({"jurisdiction": _("Only inspector posts have a jurisdiction.")})
    if any(not u.is_unit for u in units):
        raise ValidationError({"jurisdiction": _("A jurisdiction lists units, not offices.")})
    with transaction.atomic():
        post.save()
        if units:
            post.jurisdiction.set(units)
        append(
            actor,
            "orgs.create_post",
            post,
            changes={
                "code": (None, post.code),
                "name": (None, post.name),
                "kind": (None, post.kind),
                "organisation": (None, organisation.code),
                "jurisdiction": (None, sorted(u.code for u in units)),
            },
        )
    _structure_changed()
    return post


@records_refusals
def assign_post(
    actor: Actor,
    *,
    person: User,
    post: Post,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    reason: str = "",
) -> Assignment:
    require_admin(actor, "orgs.assign_post", post)
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end date is before the start date.")})
    if person.kind != AccountKind.PERSON or not person.is_active:
        raise ValidationError({"person": _("Only an active person can hold a post.")})
    with transaction.atomic():
        # Lock the person so two assignments made at once are checked one after the other.
        User.objects.select_for_update().filter(pk=person.pk).first()
        rules.check_separation_of_duties(person, post, valid_from, valid_until)
        assignment = Assignment.objects.create(
            person=person, post=post, valid_from=valid_from, valid_until=valid_until
        )
        append(
            actor,
            "orgs.assign_post",
            assignment,
            reason=reason,
            changes={
                "person": (None, person.username),
                "post": (None, post.code),
                "valid_from": (None, valid_from),
                "valid_until": (None, valid_until),
            },
        )
    return assignment


@records_refusals
def end_assignment(actor: Actor, assignment: Assignment, *, valid_until: dt.date, reason: str) -> Assignment:
    require_admin(actor, "orgs.end_assignment", assignment)
    if valid_until < assignment.valid_from:
        raise ValidationError({"valid_until": _("The end date is before the start date.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the assignment ends.")})
    before = assignment.valid_until
    with transaction.atomic():
        assignment.valid_until = valid_until
        assignment.save(update_fields=["valid_until"])
        append(
            actor,
            "orgs.end_assignment",
            assignment,
            changes={"valid_until": (before, valid_until)},
            reason=reason,
        )
    return assignment


@records_refusals
def grant_delegation(
    actor: Actor,
    *,
    post: Post,
    grantee: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> Delegation:
    """A leader of the post's unit lets `grantee` act in `post` from `starts_at` to `ends_at`."""
    obj = ("orgs.post", post.pk)
    grantor = actor.user
    if grantor is None or not rules.leads_unit(grantor, post.organisation.unit_id):
        raise Refused(
            _("Only the head or a leader in charge of %(unit)s may delegate its posts.")
            % {"unit": post.organisation.unit or post.organisation},
            action="orgs.grant_delegation",
            obj=obj,
            unit_id=post.organisation.unit_id,
        )
    now = timezone.now()
    errors: dict[str, str] = {}
    if post.kind not in BUSINESS_POST_KINDS:
        errors["post"] = _("Inspector and administrator posts cannot be delegated.")
    if grantee.pk == grantor.pk:
        errors["grantee"] = _("You cannot delegate to yourself.")
    elif grantee.kind != AccountKind.PERSON or not grantee.is_active:
        errors["grantee"] = _("A delegation goes to an active person.")
    if starts_at < now - _BACKDATE_TOLERANCE:
        errors["starts_at"] = _("A delegation cannot start in the past.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif ends_at - starts_at > dt.timedelta(days=settings.DELEGATION_MAX_DAYS):
        errors["ends_at"] = _("A delegation lasts at most %(days)d days.") % {
            "days": settings.DELEGATION_MAX_DAYS
        }
    if len(reason.strip()) < 4:
        errors["reason"] = _("Give the reason for the delegation.")
    if errors:
        raise ValidationError(errors)
    starts_at = max(starts_at, now)
    with transaction.atomic():
        rules.check_separation_of_duties(
            grantee, post, timezone.localdate(starts_at), timezone.localdate(ends_at), delegation=True
        )
        delegation = Delegation.objects.create(
            post=post,
            grantor=grantor,
            grantee=grantee,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip(),
        )
        append(
            actor,
            "orgs.grant_delegation",
            delegation,
            reason=reason.strip(),
            changes={
                "post": (None, post.code),
                "grantee": (None, grantee.username),
                "starts_at": (None, starts_at),
                "ends_at": (None, ends_at),
            },
        )
    return delegation


@records_refusals
def revoke_delegation(actor: Actor, delegation: Delegation, *, reason: str) -> Delegation:
    user = actor.user
    if user is None or not (
        user.pk == delegation.grantor_id or rules.leads_unit(user, delegation.post.organisation.unit_id)
    ):
        raise Refused(
            _("Only the grantor or a leader of the unit may revoke this delegation."),
            action="orgs.revoke_delegation",
            obj=delegation,
        )
    if delegation.revoked_at is not None:
        raise ValidationError(_("This delegation is already revoked."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    now = timezone.now()
    with transaction.atomic():
        delegation.revoked_at, delegation.revoked_by, delegation.revoke_reason = now, user, reason.strip()
        delegation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        append(
            actor, "orgs.revoke_delegation", delegation, changes={"revoked_at": (None, now)}, reason=reason
        )
    return delegation
