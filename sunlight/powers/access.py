"""Which unit's register a signed-in person may open (pages of powers and risks).

Unit staff see their own unit's list and register; inspectors (with the second factor) see the
units of their jurisdiction. What they may *change* is decided by the actions (`rules`).
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.orgs.access import form_only_for, is_verified, request_roles
from sunlight.orgs.authority import supervised_unit_ids
from sunlight.orgs.models import Organisation, Role
from sunlight.powers import rules

STAFF_ROLES = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def is_inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def may_view(request: HttpRequest, unit: Organisation) -> bool:
    if unit.pk in rules.unit_ids_of(person(request)):
        return True
    if is_inspector(request):
        units = supervised_unit_ids(person(request))
        return units is None or unit.pk in units
    return False


def require_view(request: HttpRequest, unit: Organisation) -> None:
    if not may_view(request, unit):
        raise PermissionDenied(_("You see only the units you work in or supervise."))


def my_units(request: HttpRequest) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=rules.unit_ids_of(person(request))).order_by("sort"))


def chosen_unit(request: HttpRequest) -> Organisation | None:
    """The unit a staff page shows: ?unit= among the person's units, else their first."""
    units = my_units(request)
    wanted = request.GET.get("unit")
    if wanted:
        found = next((u for u in units if str(u.pk) == wanted), None)
        if found is None:
            found = Organisation.objects.units().filter(pk=wanted).first() if wanted.isdigit() else None
            if found is None or not may_view(request, found):
                raise PermissionDenied(_("You see only the units you work in or supervise."))
        return found
    return units[0] if units else None


def editor_form(request: HttpRequest, unit_id: int) -> None:
    """An edit form opens only for the unit's editors (an inspector reads, a clerk files)."""
    form_only_for(request, rules.may_edit(person(request), unit_id))
