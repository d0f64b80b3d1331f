"""Human names of the actions that appear in trails (the ledger itself stores the code names)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "refused": _("Attempt refused"),
    "accounts.create_person": _("Person created"),
    "accounts.change_password": _("Password changed"),
    "accounts.start_totp_enrolment": _("Supervision key enrolment started"),
    "accounts.confirm_totp_device": _("Supervision key confirmed"),
    "accounts.issue_api_token": _("API token issued"),
    "accounts.revoke_api_token": _("API token revoked"),
    "orgs.create_organisation": _("Organisation created"),
    "orgs.update_organisation": _("Organisation changed"),
    "orgs.create_post": _("Post created"),
    "orgs.assign_post": _("Post assigned"),
    "orgs.end_assignment": _("Assignment ended"),
    "orgs.grant_delegation": _("Delegation granted"),
    "orgs.revoke_delegation": _("Delegation revoked"),
    "orgs.export_register": _("Staff register exported"),
    "ledger.read_trail": _("Trail read"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
