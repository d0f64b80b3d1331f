"""Site supervision in the navigation, and its actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "sites.add_site": _("Project site registered"),
    "sites.register_camera": _("Site camera registered"),
    "sites.schedule": _("Site inspections scheduled"),
    "sites.check_in": _("Site inspection checked in"),
    "sites.inspection_missed": _("Scheduled site inspection missed"),
    "sites.read": _("Project sites read"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(
        NavItem("sites:index", _("Remote site supervision"), Role.WORKBENCH, 52),
        NavItem("sites:index", _("Remote site supervision"), Role.MONITORING, 52),
        NavItem("sites:index", _("Remote site supervision"), Role.SUPERVISION, 52),
    )
