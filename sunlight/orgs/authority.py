"""Who may act where: posts held, delegations, roles and inspectors' jurisdiction.

Authority belongs to posts. A person holds a post through an assignment valid on the day, or
acts in it through a delegation valid at the moment; nothing else gives authority (S6:
不能越权, 不能代劳).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sunlight.accounts.models import AccountKind, User
from sunlight.orgs.models import (
    ROLE_OF_POST_KIND,
    ROLES_NEEDING_SECOND_FACTOR,
    Assignment,
    Delegation,
    Organisation,
    Post,
    PostKind,
    Role,
)


@dataclass(frozen=True)
class Standing:
    """How a person stands in a post at one moment: by assignment or by delegation."""

    post: Post
    assignment: Assignment | None = None
    delegation: Delegation | None = None

    @property
    def delegated(self) -> bool:
        return self.delegation is not None


def current_assignments(person: User, on: dt.date | None = None) -> list[Assignment]:
    return list(
        Assignment.objects.current(on)
        .filter(person=person, post__is_active=True)
        .select_related("post__organisation__unit")
        .order_by("post__organisation__sort", "post__code")
    )


def current_posts(person: User, on: dt.date | None = None) -> list[Post]:
    return [a.post for a in current_assignments(person, on)]


def active_delegations(person: User, at: dt.datetime | None = None) -> list[Delegation]:
    return list(
        Delegation.objects.active(at)
        .filter(grantee=person)
        .select_related("post__organisation__unit", "grantor")
    )


def standing_in(person: User, post: Post, at: dt.datetime | None = None) -> Standing | None:
    """The person's standing in `post` at `at`, or None if they may not act in it."""
    moment = at or timezone.now()
    if not person.is_active or person.kind != AccountKind.PERSON:
        return None
    day = timezone.localdate(moment)
    assignment = Assignment.objects.current(day).filter(person=person, post=post).first()
    if assignment is not None:
        return Standing(post=post, assignment=assignment)
    delegation = Delegation.objects.active(moment).filter(grantee=person, post=post).first()
    if delegation is not None:
        return Standing(post=post, delegation=delegation)
    return None


def standing_among(person: User, post_ids: list[int], at: dt.datetime | None = None) -> Standing | None:
    """The person's standing in any of these posts: by assignment first, else by delegation.

    Two indexed queries at most, whatever the number of posts (the hot path of every step).
    """
    moment = at or timezone.now()
    if not person.is_active or person.kind != AccountKind.PERSON or not post_ids:
        return None
    assignment = (
        Assignment.objects.current(timezone.localdate(moment))
        .filter(person=person, post_id__in=post_ids, post__is_active=True)
        .select_related("post__organisation")
        .first()
    )
    if assignment is not None:
        return Standing(post=assignment.post, assignment=assignment)
    delegation = (
        Delegation.objects.active(moment)
        .filter(grantee=person, post_id__in=post_ids)
        .select_related("post__organisation")
        .first()
    )
    if delegation is not None:
        return Standing(post=delegation.post, delegation=delegation)
    return None


def roles_of(person: User, on: dt.date | None = None) -> set[Role]:

    if not person.is_authenticated or not person.is_active:
        return set()
    kinds = (
        Assignment.objects.current(on)
        .filter(person=person, post__is_active=True)
        .values_list("post__kind", flat=True)
    )
    return {ROLE_OF_POST_KIND[PostKind(kind)] for kind in kinds}


def needs_second_factor(roles: set[Role]) -> bool:
    return any(role in roles for role in ROLES_NEEDING_SECOND_FACTOR)


def supervised_unit_ids(person: User, on: dt.date | None = None) -> set[int] | None:
    """Units an inspector supervises today: None means the whole district, empty means none."""
    posts = [
        a.post
        for a in Assignment.objects.current(on)
        .filter(person=person, post__kind=PostKind.INSPECTOR, post__is_active=True)
        .select_related("post")
    ]
    if not posts:
        return set()
    units: set[int] = set()
    for post in posts:
        ids = set(post.jurisdiction.values_list("unit_id", flat=True))
        if not ids:
            return None
        units |= {i for i in ids if i is not None}
    return units


def supervises(person: User, organisation: Organisation, on: dt.date | None = None) -> bool:
    units = supervised_unit_ids(person, on)
    return units is None or organisation.unit_id in units


def monitored_unit_ids(person: User, on: dt.date | None = None) -> set[int]:
    """Units whose monitoring centre post this person holds today."""
    return {
        unit_id
        for unit_id in Assignment.objects.current(on)
        .filter(person=person, post__kind=PostKind.MONITOR, post__is_active=True)
        .values_list("post__organisation__unit_id", flat=True)
        if unit_id is not None
    }
