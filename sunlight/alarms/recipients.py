"""Who is told about an alarm: the post holders concerned, the unit's monitoring centre, inspectors."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from sunlight.accounts.models import User
from sunlight.orgs.models import Assignment, PostKind


def _people(assignments: Iterable[Assignment]) -> list[User]:
    found: dict[int, User] = {}
    for assignment in assignments:
        found.setdefault(assignment.person_id, assignment.person)
    return list(found.values())


def holders_of_posts(post_ids: Iterable[int]) -> list[User]:
    ids = list(post_ids)
    if not ids:
        return []
    return _people(
        Assignment.objects.current().filter(post_id__in=ids, post__is_active=True).select_related("person")
    )


def holders_in_unit(unit_id: int | None, kinds: Iterable[str]) -> list[User]:
    """Current holders of posts of these kinds in the unit (e.g. its monitoring centre)."""
    if unit_id is None:
        return []
    return _people(
        Assignment.objects.current()
        .filter(post__organisation__unit_id=unit_id, post__kind__in=list(kinds), post__is_active=True)
        .select_related("person")
    )


def monitors_of(unit_id: int | None) -> list[User]:
    return holders_in_unit(unit_id, [PostKind.MONITOR])


def inspectors_of(unit_id: int | None) -> list[User]:
    """Inspectors whose jurisdiction includes the unit (those of the whole district always)."""
    current = Assignment.objects.current().filter(post__kind=PostKind.INSPECTOR, post__is_active=True)
    whole = Q(post__jurisdiction__isnull=True)
    chosen = (
        current.filter(whole | Q(post__jurisdiction__unit_id=unit_id)) if unit_id else current.filter(whole)
    )
    return _people(chosen.select_related("person").distinct())


def administrators() -> list[User]:
    return _people(
        Assignment.objects.current()
        .filter(post__kind=PostKind.ADMIN, post__is_active=True)
        .select_related("person")
    )
