"""Separation of duties (职责分离) and who leads a unit: checks shared by the orgs actions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.orgs.models import (
    BUSINESS_POST_KINDS,
    LEADER_POST_KINDS,
    Assignment,
    Post,
    PostKind,
)


def _jurisdiction_units(post: Post) -> set[int] | None:
    ids = {u for u in post.jurisdiction.values_list("unit_id", flat=True) if u is not None}
    return ids or None


def check_separation_of_duties(
    person: User, post: Post, start: dt.date, end: dt.date | None, *, delegation: bool = False
) -> None:
    """Refuse a post (or a delegated post) that would break separation of duties.

    - A system administrator holds no business or inspector post (and vice versa).
    - An inspector holds no business post in a unit they supervise (and vice versa).
    - Nobody holds the same post twice over the same days.
    """
    held = list(
        Assignment.objects.overlapping(start, end).filter(person=person).select_related("post__organisation")
    )
    name = person.full_name or person.username
    for other in held:
        theirs = other.post
        if theirs.pk == post.pk and not delegation:
            raise ValidationError(
                {
                    "post": _("%(name)s already holds %(post)s over these dates.")
                    % {"name": name, "post": post}
                }
            )
        if PostKind.ADMIN in (theirs.kind, post.kind) and theirs.kind != post.kind:
            raise ValidationError(
                {
                    "post": _(
                        "Separation of duties: %(name)s holds %(other)s; a system administrator "
                        "cannot also hold a business or inspector post."
                    )
                    % {"name": name, "other": theirs}
                }
            )
        pair = {theirs.kind, post.kind}
        if PostKind.INSPECTOR in pair and pair & set(BUSINESS_POST_KINDS):
            inspector, business = (theirs, post) if theirs.kind == PostKind.INSPECTOR else (post, theirs)
            units = _jurisdiction_units(inspector)
            if units is None or business.organisation.unit_id in units:
                raise ValidationError(
                    {
                        "post": _(
                            "Separation of duties: %(name)s would both supervise and work in "
                            "%(unit)s (%(other)s)."
                        )
                        % {"name": name, "unit": business.organisation.unit, "other": theirs}
                    }
                )


def leads_unit(person: User, unit_id: int | None, on: dt.date | None = None) -> bool:
    """True if the person holds the head or a leader-in-charge post of the unit today."""
    if unit_id is None:
        return False
    return (
        Assignment.objects.current(on)
        .filter(person=person, post__kind__in=LEADER_POST_KINDS, post__organisation__unit_id=unit_id)
        .exists()
    )
