"""Which inspector may act on what: jurisdiction over a unit, and the whole-district posts.

Inspector authority comes only from an assignment to an inspector post (it is never
delegated); a post with no jurisdiction listed covers the whole district.
"""

from __future__ import annotations

from sunlight.accounts.models import AccountKind, User
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Assignment, Organisation, PostKind


def _inspector_assignments(user: User) -> list[Assignment]:
    if not user.is_active or user.kind != AccountKind.PERSON:
        return []
    return list(
        Assignment.objects.current()
        .filter(person=user, post__kind=PostKind.INSPECTOR, post__is_active=True)
        .select_related("post__organisation")
        .prefetch_related("post__jurisdiction")
        .order_by("post__code")
    )


def inspector_standing(user: User, unit: Organisation | None = None) -> Standing | None:
    """The user's standing as an inspector over `unit` (any inspector post when None)."""
    for assignment in _inspector_assignments(user):
        covered = {o.unit_id for o in assignment.post.jurisdiction.all()}
        if unit is None or not covered or unit.unit_id in covered:
            return Standing(post=assignment.post, assignment=assignment)
    return None


def district_inspector_standing(user: User) -> Standing | None:
    """The user's standing in an inspector post covering the whole district (the commission's)."""
    for assignment in _inspector_assignments(user):
        if not assignment.post.jurisdiction.all():
            return Standing(post=assignment.post, assignment=assignment)
    return None


def inspectors_for(unit: Organisation) -> list[User]:
    """People holding today an inspector post whose jurisdiction covers `unit`."""
    people: dict[int, User] = {}
    for assignment in (
        Assignment.objects.current()
        .filter(post__kind=PostKind.INSPECTOR, post__is_active=True, person__is_active=True)
        .select_related("person")
        .prefetch_related("post__jurisdiction")
        .order_by("person__full_name", "pk")
    ):
        covered = {o.unit_id for o in assignment.post.jurisdiction.all()}
        if not covered or unit.unit_id in covered:
            people.setdefault(assignment.person_id, assignment.person)
    return list(people.values())
