"""The navigation each persona sees, derived from the posts they hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import ROLES_NEEDING_SECOND_FACTOR, Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    role: Role | None
    order: int = 50

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""  # an app registered a page it does not (yet) serve: left out below


NAVIGATION: list[NavItem] = [
    NavItem("orgs:workbench", _("Workbench"), Role.WORKBENCH, 10),
    NavItem("orgs:delegations", _("Delegations"), Role.WORKBENCH, 80),
    NavItem("orgs:monitoring", _("Monitoring centre"), Role.MONITORING, 10),
    NavItem("supervision:console", _("Supervision console"), Role.SUPERVISION, 10),
    NavItem("orgs:manage", _("Administration"), Role.ADMINISTRATION, 10),
    NavItem("ledger:health", _("Ledger"), Role.SUPERVISION, 90),
    NavItem("ledger:health", _("Ledger"), Role.ADMINISTRATION, 90),
]


def register_nav(*items: NavItem) -> None:
    """Apps add their pages to the navigation from their AppConfig.ready()."""
    for item in items:
        if item not in NAVIGATION:
            NAVIGATION.append(item)
    NAVIGATION.sort(key=lambda item: item.order)


def navigation(request: HttpRequest) -> dict[str, Any]:
    roles = request_roles(request)
    items: list[NavItem] = []
    for item in NAVIGATION:
        if item.role in roles and all(i.url_name != item.url_name for i in items):
            items.append(item)
    path = request.path
    return {
        "nav_items": [
            {"url": item.url, "label": item.label, "active": path.startswith(item.url)}
            for item in items
            if item.url
        ],
        "user_roles": sorted(roles),
        "needs_second_factor": bool(roles & set(ROLES_NEEDING_SECOND_FACTOR)) and not is_verified(request),
    }
