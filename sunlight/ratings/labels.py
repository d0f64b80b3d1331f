"""Ratings in the navigation, and their actions' names in ledger trails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sunlight.ledger.labels import ACTION_LABELS
from sunlight.orgs.context import NavItem, register_nav
from sunlight.orgs.models import Role

LABELS = {
    "ratings.rate": _("Service rated"),
    "ratings.record_contact": _("Contact with a rater recorded"),
    "ratings.rectify": _("Rectification after a bad rating done"),
    "ratings.appeal": _("Appeal against a rating filed"),
    "ratings.decide_appeal": _("Appeal against a rating decided"),
}


def register() -> None:
    for action, label in LABELS.items():
        ACTION_LABELS.setdefault(action, label)
    register_nav(
        NavItem("ratings:unit", _("Service ratings"), Role.MONITORING, 40),
        NavItem("ratings:appeals", _("Rating appeals"), Role.SUPERVISION, 45),
    )
