"""Registering and retiring field-enforcement devices (执法记录仪、移动执法终端).

A device is an integration account with an API token (shown once) and a row naming its unit
and the officer it is issued to. Administrators register and retire devices.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind, User
from sunlight.enforcement import access
from sunlight.enforcement.models import Device
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import records_refusals
from sunlight.orgs.actions import require_admin
from sunlight.orgs.models import Organisation

_DEVICE_CODE = re.compile(r"^[A-Z][A-Z0-9-]{2,39}$")


@records_refusals
def register_device(
    actor: Actor, *, unit: Organisation, code: str, name: str, holder: User | None = None
) -> tuple[Device, str]:
    """Register a device with an integration account and its API token (shown once)."""
    code = code.strip().upper()
    require_admin(actor, "enforcement.register_device", ("enforcement.device", code))
    errors: dict[str, str] = {}
    if not _DEVICE_CODE.match(code):
        errors["code"] = _("A device code is capital letters, digits and hyphens, e.g. ZHZF-ZFY-001.")
    elif Device.objects.filter(code=code).exists():
        errors["code"] = _("Another device already has the code %(code)s.") % {"code": code}
    if not name.strip():
        errors["name"] = _("Name the device.")
    if not unit.is_unit:
        errors["unit"] = _("Choose the unit that uses the device.")
    if holder is not None and access.officer_standing(holder, unit.pk) is None:
        errors["holder"] = _("%(who)s holds no post of %(unit)s.") % {"who": holder, "unit": unit}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        account = account_actions.create_person(
            actor,
            username=f"dev-{code.lower()}"[:32],
            full_name=f"{name.strip()}（{code}）"[:50],
            kind=AccountKind.INTEGRATION,
        )
        _token, raw = account_actions.issue_api_token(actor, user=account, name=code)
        device = Device.objects.create(
            code=code, name=name.strip(), unit=unit, account=account, holder=holder, registered_by=actor.user
        )
        append(
            actor,
            "enforcement.register_device",
            device,
            changes={
                "code": (None, code),
                "unit": (None, unit.code),
                "holder": (None, holder.username if holder else None),
            },
        )
    return device, raw


@records_refusals
def retire_device(actor: Actor, device: Device, *, reason: str) -> Device:
    """Take a device out of service: its tokens are revoked, its evidence stays."""
    require_admin(actor, "enforcement.retire_device", device)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason (lost, broken, replaced…).")})
    with transaction.atomic():
        for token in device.account.api_tokens.usable():
            account_actions.revoke_api_token(actor, token, reason=reason)
        device.active, device.retired_at = False, timezone.now()
        device.save(update_fields=["active", "retired_at"])
        append(actor, "enforcement.retire_device", device, changes={"active": (True, False)}, reason=reason)
    return device
