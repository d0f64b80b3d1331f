"""Who sees and does what in the assessment and on the dashboards.

- Administrators configure the scheme; they read results but never score (separation of duties).
- Inspectors compute, add manual items, approve and publish (the commission); the district-wide
  steps (compute, approve, publish) need an inspector whose jurisdiction is the whole district.
- The district dashboard: inspectors over their jurisdiction; leaders of the district itself
  (a head or leader-in-charge post in the district organisation) over the whole district.
- A unit's dashboard: its monitoring centre, its head and its leaders in charge. Units read
  their own approved assessment and never edit it.
"""

from __future__ import annotations

from django.http import HttpRequest

from sunlight.accounts.models import User
from sunlight.alarms.lifecycle import inspector_standing
from sunlight.assessments.models import Assessment
from sunlight.documents.access import inspector_with_key
from sunlight.orgs import authority
from sunlight.orgs.authority import Standing, standing_among
from sunlight.orgs.models import LEADER_POST_KINDS, Assignment, OrgKind, Post, PostKind, Role

__all__ = [
    "admin_standing",
    "district_inspector_standing",
    "district_scope",
    "inspector_standing",
    "may_read_letter",
    "reader_standing",
    "unit_scope",
]


def admin_standing(user: User | None) -> Standing | None:
    if user is None:
        return None
    posts = Post.objects.active().filter(kind=PostKind.ADMIN).values_list("pk", flat=True)
    return standing_among(user, list(posts))


def district_inspector_standing(user: User | None) -> Standing | None:
    """An inspector post whose jurisdiction is the whole district (the commission's district steps)."""
    return inspector_standing(user, None)


def _leader_units(user: User) -> tuple[bool, set[int]]:
    """(leads the district itself, units whose head or leader in charge the person is)."""
    district = False
    units: set[int] = set()
    for kind, unit_id in (
        Assignment.objects.current()
        .filter(person=user, post__kind__in=LEADER_POST_KINDS, post__is_active=True)
        .values_list("post__organisation__kind", "post__organisation__unit_id")
    ):
        if kind == OrgKind.DISTRICT:
            district = True
        elif unit_id is not None:
            units.add(unit_id)
    return district, units


def district_scope(user: User) -> tuple[bool, set[int] | None]:
    """(may open the district dashboard, its units: None for the whole district)."""
    inspected = authority.supervised_unit_ids(user)
    if inspected is None:
        return True, None
    district, _units = _leader_units(user)
    if district:
        return True, None
    return bool(inspected), inspected


def unit_scope(user: User) -> set[int]:
    """Units whose own dashboard and assessment this person reads (monitoring centre, leaders)."""
    _district, units = _leader_units(user)
    return units | authority.monitored_unit_ids(user)


def reader_standing(user: User, roles: set[Role]) -> Standing | None:
    """The inspector or administrator post through which a sensitive read is recorded."""
    if Role.SUPERVISION in roles:
        assignment = (
            Assignment.objects.current()
            .filter(person=user, post__kind=PostKind.INSPECTOR, post__is_active=True)
            .select_related("post__organisation")
            .first()
        )
        return Standing(post=assignment.post, assignment=assignment) if assignment else None
    if Role.ADMINISTRATION in roles:
        return admin_standing(user)
    return None


def may_read_letter(request: HttpRequest, assessment_id: str) -> bool:
    """A recommendation letter on an assessment: inspectors holding the key and the graded unit."""
    if inspector_with_key(request):
        return True
    unit_id = Assessment.objects.filter(pk=assessment_id).values_list("unit_id", flat=True).first()
    user = request.user
    return unit_id is not None and isinstance(user, User) and unit_id in unit_scope(user)
