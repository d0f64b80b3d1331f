"""Field enforcement in the navigation, and its actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "enforcement.register_device": _("Enforcement device registered"),
    "enforcement.retire_device": _("Enforcement device retired"),
    "enforcement.declare_upload": _("Evidence upload declared"),
    "enforcement.discard_upload": _("Evidence upload discarded"),
    "enforcement.capture": _("Evidence captured"),
    "enforcement.upload": _("Evidence uploaded"),
    "enforcement.view_evidence": _("Evidence viewed"),
    "enforcement.use_evidence": _("Evidence used for a decision"),
    "enforcement.decide_penalty": _("Penalty decided under the discretion benchmark"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(
        NavItem("enforcement:index", _("Field enforcement"), Role.WORKBENCH, 55),
        NavItem("enforcement:index", _("Field enforcement"), Role.SUPERVISION, 55),
        NavItem("enforcement:devices", _("Enforcement devices"), Role.ADMINISTRATION, 55),
    )
