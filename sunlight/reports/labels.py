"""Reports in the inspectors' navigation, and their actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "reports.submit": _("Report received"),
    "reports.answer": _("Reporter answered"),
    "reports.assign": _("Report assigned"),
    "reports.read": _("Report read (sensitive read)"),
    "reports.read_identity": _("Reporter's identity read (sensitive read)"),
    "reports.read_attachment": _("Report attachment read (sensitive read)"),
    "reports.ask": _("Message to the reporter"),
    "reports.reply": _("Reply to the reporter"),
    "reports.accept": _("Report accepted"),
    "reports.decline": _("Report not accepted"),
    "reports.conclude": _("Report concluded"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(NavItem("reports:inbox", _("Reports"), Role.SUPERVISION, 40))
