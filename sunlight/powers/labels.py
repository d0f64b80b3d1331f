"""The power list's entries in the navigation and its actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "powers.create": _("Power item drafted"),
    "powers.update": _("Power version changed"),
    "powers.revise": _("New power version started"),
    "powers.submit": _("Power version submitted for review"),
    "powers.return": _("Power version returned with findings"),
    "powers.approve": _("Power version approved and published"),
    "powers.export": _("Power list exported"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(
        NavItem("powers:workspace", _("Power list"), Role.WORKBENCH, 20),
        NavItem("powers:workspace", _("Power list"), Role.MONITORING, 20),
        NavItem("powers:review", _("Power list review"), Role.SUPERVISION, 20),
    )
