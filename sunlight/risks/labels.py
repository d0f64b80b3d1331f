"""The risk register's entries in the navigation and its actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "risks.create_point": _("Risk point added"),
    "risks.update_point": _("Risk point revised"),
    "risks.retire_point": _("Risk point retired"),
    "risks.add_measure": _("Control measure added"),
    "risks.update_measure": _("Control measure changed"),
    "risks.review_measure": _("Control measure reviewed"),
    "risks.create_plan": _("Control plan started"),
    "risks.submit_plan": _("Control plan submitted to the commission"),
    "risks.return_plan": _("Control plan returned with findings"),
    "risks.approve_plan": _("Control plan approved"),
    "risks.export": _("Risk register exported"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(
        NavItem("risks:register", _("Risk control"), Role.WORKBENCH, 30),
        NavItem("risks:register", _("Risk control"), Role.MONITORING, 30),
        NavItem("risks:reviews", _("Control plan review"), Role.SUPERVISION, 25),
        NavItem("risks:statistics", _("Risk statistics"), Role.SUPERVISION, 70),
    )
