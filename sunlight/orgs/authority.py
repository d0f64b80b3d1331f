"""Who may act where: posts held, delegations, roles and inspectors' jurisdiction.

Authority belongs to posts. A person holds a post through an assignment valid on the day, or
acts in it through a delegation valid at the moment; nothing else gives authority (S6:
不能越权, 不能代劳).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import timezone

from sunlight.accounts.models import AccountKind, User
from sunlight.lib import rows
from sunlight.lib.moments import local_date
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


@dataclass(frozen=True)
class PostSet:
    """Posts to look a standing up in, as a condition on the standing's post, `r.post_id`: a
    list of ids, a subquery giving them, or any other condition (one round trip either way)."""

    sql: str
    params: tuple[Any, ...]

    @classmethod
    def of(cls, post_ids: list[int]) -> PostSet:
        if not post_ids:
            return cls("", ())
        return cls(f"r.post_id IN ({', '.join(['%s'] * len(post_ids))})", tuple(post_ids))

    @classmethod
    def among(cls, subquery: str, params: tuple[Any, ...]) -> PostSet:
        """The posts a subquery selects."""
        return cls(f"r.post_id IN ({subquery})", params)


_ASSIGNMENT_ONLY = ("id", "person_id", "post_id")
_DELEGATION_ONLY = ("id", "grantee_id", "post_id")


@cache
def _standing_sql(kind: str) -> str:
    """The assignment (or delegation) query of `standing_among`, with the post and organisation.

    Hand-written because every step of every case runs it, and the ORM spent longer compiling it
    than the database answering; `Assignment.objects.current` and `Delegation.objects.active`
    say the same in ORM terms, and test_standing compares both on every kind of standing.
    """
    # Identifiers from the models' metadata; every value is a parameter.
    post, org = rows.columns(Post, "p"), rows.columns(Organisation, "o")
    joins = (
        f"JOIN {Post._meta.db_table} p ON p.id = r.post_id "
        f"JOIN {Organisation._meta.db_table} o ON o.id = p.organisation_id"
    )
    if kind == "assignment":
        return (
            f"SELECT {rows.columns(Assignment, 'r', _ASSIGNMENT_ONLY)}, {post}, {org} "  # noqa: S608
            f"FROM {Assignment._meta.db_table} r {joins} "
            "WHERE r.person_id = %s AND p.is_active AND r.valid_from <= %s "
            "AND (r.valid_until IS NULL OR r.valid_until >= %s) AND {posts} "
            # The longest-held of several qualifying assignments: the order of the (person,
            # valid_from) index, ties by id, which SQLite keeps in it, so the first match ends
            # the search (ordering by id alone sorted every match first).
            "ORDER BY r.valid_from, r.id LIMIT 1"
        )
    return (
        f"SELECT {rows.columns(Delegation, 'r', _DELEGATION_ONLY)}, {post}, {org} "  # noqa: S608
        f"FROM {Delegation._meta.db_table} r {joins} "
        "WHERE r.grantee_id = %s AND r.revoked_at IS NULL AND r.starts_at <= %s "
        "AND r.ends_at > %s AND {posts} "
        "ORDER BY r.starts_at DESC, r.id LIMIT 1"
    )


def _standing_row(kind: str, person: User, when: Any, posts: PostSet) -> Standing | None:
    row = rows.fetchone(
        _standing_sql(kind).replace("{posts}", posts.sql), [person.pk, when, when, *posts.params]
    )
    if row is None:
        return None
    model, only = (Assignment, _ASSIGNMENT_ONLY) if kind == "assignment" else (Delegation, _DELEGATION_ONLY)
    first = rows.width(model, only)
    second = first + rows.width(Post)
    post = rows.instance(Post, row[first:second])
    rows.attach(post, "organisation", rows.instance(Organisation, row[second:]))
    if kind == "assignment":
        assignment = rows.instance(Assignment, row[:first], only)
        rows.attach(assignment, "post", post)
        return Standing(post=post, assignment=assignment)
    delegation = rows.instance(Delegation, row[:first], only)
    rows.attach(delegation, "post", post)
    return Standing(post=post, delegation=delegation)


def standing_among(
    person: User, post_ids: list[int] | PostSet, at: dt.datetime | None = None, on: dt.date | None = None
) -> Standing | None:
    """The person's standing in any of these posts: by assignment first, else by delegation.

    One indexed query when the person holds the post, two when they act by delegation. `on` is
    the local date of `at`, when the caller already has it.
    """
    moment = at or timezone.now()
    posts = post_ids if isinstance(post_ids, PostSet) else PostSet.of(post_ids)
    if not person.is_active or person.kind != AccountKind.PERSON or not posts.sql:
        return None
    # The connection itself, not the `connection` proxy (a context-local lookup per use).
    ops = rows.db().ops
    standing = _standing_row("assignment", person, ops.adapt_datefield_value(on or local_date(moment)), posts)
    if standing is None:
        standing = _standing_row("delegation", person, ops.adapt_datetimefield_value(moment), posts)
    return standing


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
