"""Who may draft, file and review a unit's power list, risk register and control plan.

- Drafting (起草): a section chief, leader, head or the monitoring centre of the unit, by
  assignment or by a recorded delegation. Clerks read their unit's list but do not write it.
- Filing with the commission (报送): a leader, the head or the monitoring centre of the unit.
- Review (审核): a discipline inspector whose jurisdiction covers the unit. The second factor
  is asked for by the pages and the API before they call the actions.
- The system itself (user None: `manage.py demo`, the command-line import) may draft and file,
  never review: a review is a person's judgement.

Administrators hold no post in any unit (separation of duties), so they are refused like any
outsider. The shared risk register app uses the same checks.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Assignment, Delegation, Organisation, PostKind

EDITOR_KINDS = (PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE, PostKind.HEAD, PostKind.MONITOR)
FILER_KINDS = (PostKind.LEADER_IN_CHARGE, PostKind.HEAD, PostKind.MONITOR)

Obj = Model | tuple[str, str | int]


def standing_in_unit(
    person: User, unit_id: int, kinds: tuple[str, ...] | None, at: dt.datetime | None = None
) -> Standing | None:
    """The person's standing in one of the unit's posts of these kinds (None: any kind)."""
    moment = at or timezone.now()
    assignments = Assignment.objects.current(timezone.localdate(moment)).filter(
        person=person, post__is_active=True, post__organisation__unit_id=unit_id
    )
    delegations = Delegation.objects.active(moment).filter(
        grantee=person, post__organisation__unit_id=unit_id
    )
    if kinds is not None:
        assignments = assignments.filter(post__kind__in=kinds)
        delegations = delegations.filter(post__kind__in=kinds)
    assignment = assignments.select_related("post__organisation").order_by("post__kind", "post__code").first()
    if assignment is not None:
        return Standing(post=assignment.post, assignment=assignment)
    delegation = delegations.select_related("post__organisation").first()
    if delegation is not None:
        return Standing(post=delegation.post, delegation=delegation)
    return None


def as_editor(actor: Actor, unit: Organisation, *, action: str, obj: Obj) -> Actor:
    """The actor acting in a drafting post of `unit`, or Refused."""
    if actor.user is None:
        return actor
    standing = standing_in_unit(actor.user, unit.pk, EDITOR_KINDS)
    if standing is None:
        raise Refused(
            _("Only a section chief, leader or the monitoring centre of %(unit)s may draft its entries.")
            % {"unit": unit.name},
            action=action,
            obj=obj,
            unit_id=unit.pk,
        )
    return actor.acting_as(standing)


def as_filer(actor: Actor, unit: Organisation, *, action: str, obj: Obj) -> Actor:
    """The actor acting in a post of `unit` that may file with the commission, or Refused."""
    if actor.user is None:
        return actor
    standing = standing_in_unit(actor.user, unit.pk, FILER_KINDS)
    if standing is None:
        raise Refused(
            _("Only a leader, the head or the monitoring centre of %(unit)s may submit to the commission.")
            % {"unit": unit.name},
            action=action,
            obj=obj,
            unit_id=unit.pk,
        )
    return actor.acting_as(standing)


def as_reviewer(actor: Actor, unit: Organisation, *, action: str, obj: Obj) -> Actor:
    """The actor acting in an inspector post whose jurisdiction covers `unit`, or Refused."""
    refusal = Refused(
        _("Only a discipline inspector supervising %(unit)s may review its entries.") % {"unit": unit.name},
        action=action,
        obj=obj,
        unit_id=unit.pk,
    )
    if actor.user is None:
        raise refusal
    for assignment in (
        Assignment.objects.current()
        .filter(person=actor.user, post__kind=PostKind.INSPECTOR, post__is_active=True)
        .select_related("post__organisation")
        .prefetch_related("post__jurisdiction")
    ):
        units = {u.unit_id for u in assignment.post.jurisdiction.all()}
        if not units or unit.pk in units:
            return actor.acting_as(Standing(post=assignment.post, assignment=assignment))
    raise refusal


def unit_ids_of(person: User) -> list[int]:
    """Units in which the person holds any post today (by assignment or delegation)."""
    today = timezone.localdate()
    ids = set(
        Assignment.objects.current(today)
        .filter(person=person, post__is_active=True)
        .exclude(post__kind__in=(PostKind.INSPECTOR, PostKind.ADMIN))
        .values_list("post__organisation__unit_id", flat=True)
    )
    ids |= set(
        Delegation.objects.active()
        .filter(grantee=person)
        .values_list("post__organisation__unit_id", flat=True)
    )
    return sorted(i for i in ids if i is not None)


def may_edit(person: User, unit_id: int) -> bool:
    return standing_in_unit(person, unit_id, EDITOR_KINDS) is not None


def may_file(person: User, unit_id: int) -> bool:
    return standing_in_unit(person, unit_id, FILER_KINDS) is not None
