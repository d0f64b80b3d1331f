"""Who may act on a unit's funds (the posts it designates) and who may read them.

Acting: only a person standing in a post the unit designated for the role (assignment or a
recorded delegation, `orgs.authority.standing_in`). The supervising post that confirms
progress is, by default, the section chief of the unit's construction office (工程建设股股长):
a post apart from the project managers who measure, as the site supervisor (监理) is apart
from the contractor. Reading: the unit's own staff, its monitoring centre, and inspectors
whose jurisdiction includes the unit.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.funds.models import FundPost, FundRole
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs import authority
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import BUSINESS_POST_KINDS, Organisation, PostKind

# Which kinds of post a unit may designate for each role.
ALLOWED_KINDS: dict[str, tuple[str, ...]] = {
    FundRole.PROJECT_MANAGER: (PostKind.CLERK, PostKind.SECTION_CHIEF),
    FundRole.SUPERVISOR: (PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE),
    FundRole.CHANGE_APPROVER: (PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE, PostKind.HEAD),
    FundRole.PAYMENT_APPROVER: (PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE, PostKind.HEAD),
    FundRole.CASHIER: (PostKind.CLERK, PostKind.SECTION_CHIEF),
}


def standing_for(
    user: User | None, unit: Organisation, role: str, step: int | None = None
) -> Standing | None:
    if user is None:
        return None
    designated = FundPost.objects.filter(unit=unit, role=role).select_related("post__organisation")
    if step is not None:
        designated = designated.filter(step=step)
    for item in designated:
        standing = authority.standing_in(user, item.post)
        if standing is not None:
            return standing
    return None


def require(
    actor: Actor,
    unit: Organisation,
    role: str,
    *,
    action: str,
    obj: Model | tuple[str, str | int],
    step: int | None = None,
) -> Standing:
    """The actor's standing in a post designated for `role`, or a recorded refusal."""
    standing = standing_for(actor.user, unit, role, step)
    if standing is None:
        who = actor.user.full_name if actor.user else _("the system")
        label = FundRole(role).label
        if step is not None:
            message = _(
                "%(who)s does not hold a post of %(unit)s designated as %(role)s for step %(step)d."
            ) % {
                "who": who,
                "unit": unit,
                "role": label,
                "step": step,
            }
        else:
            message = _("%(who)s does not hold a post of %(unit)s designated as %(role)s.") % {
                "who": who,
                "unit": unit,
                "role": label,
            }
        raise Refused(message, action=action, obj=obj, unit_id=unit.pk)
    return standing


def person(actor: Actor) -> User:
    """The natural person behind an action that `require` has let through."""
    assert actor.user is not None, "require() refuses the system actor"
    return actor.user


def chain_length(unit: Organisation, role: str) -> int:
    """The number of approval steps the unit defines for `role` (0: none designated)."""
    return len(set(FundPost.objects.filter(unit=unit, role=role).values_list("step", flat=True)))


def roles_in(user: User, unit: Organisation) -> set[str]:
    """Fund roles the person holds in the unit today (for showing the right forms)."""
    posts = {a.post_id for a in authority.current_assignments(user)}
    posts |= {d.post_id for d in authority.active_delegations(user)}
    return set(FundPost.objects.filter(unit=unit, post_id__in=posts).values_list("role", flat=True))


def staff_unit_ids(user: User) -> set[int]:
    """Units where the person holds a business post (staff and monitoring centre)."""
    return {
        a.post.organisation.unit_id
        for a in authority.current_assignments(user)
        if a.post.kind in BUSINESS_POST_KINDS and a.post.organisation.unit_id is not None
    }


def readable_unit_ids(user: User, *, verified: bool) -> set[int] | None:
    """Units whose funds the person may read (None: the whole district, for district inspectors)."""
    units = staff_unit_ids(user)
    if verified:
        supervised = authority.supervised_unit_ids(user)
        if supervised is None:
            return None
        units |= supervised
    return units
