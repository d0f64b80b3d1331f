"""Every change to accounts: people, passwords, second factors and API tokens."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunlight.accounts.models import AccountKind, ApiToken, User
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import records_refusals
from sunlight.orgs.actions import require_admin

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def validate_person_fields(username: str, full_name: str, phone: str) -> None:
    errors: dict[str, str] = {}
    if not _USERNAME.match(username):
        errors["username"] = _(
            "A user name is 3–32 lower-case letters, digits, dots, hyphens or underscores, "
            "starting with a letter."
        )
    if not 2 <= len(full_name.strip()) <= 50:
        errors["full_name"] = _("Give the person's full name (2–50 characters).")
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("A mobile phone number has 11 digits and starts with 1.")
    if errors:
        raise ValidationError(errors)


@records_refusals
def create_person(
    actor: Actor,
    *,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    kind: str = AccountKind.PERSON,
) -> User:
    """Create a staff member (or an integration account). Without a password they cannot sign in."""
    require_admin(actor, "accounts.create_person", ("accounts.user", username))
    username, full_name, phone = username.strip().lower(), full_name.strip(), phone.strip()
    validate_person_fields(username, full_name, phone)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name %(u)s is taken.") % {"u": username}})
    user = User(username=username, full_name=full_name, phone=phone, email=email, kind=kind)
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif password_hash is not None:
        # The demo loader hashes its one shared password once and reuses the hash.
        user.password = password_hash
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        append(
            actor,
            "accounts.create_person",
            user,
            changes={
                "username": (None, username),
                "full_name": (None, full_name),
                "kind": (None, kind),
                "phone": (None, phone),
            },
            confidential=["phone"],
        )
    return user


def change_password(actor: Actor, user: User, *, new_password: str) -> None:
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        append(actor, "accounts.change_password", user)


def start_totp_enrolment(actor: Actor, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device; it counts only once a code from it has been checked."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=_("Supervision key"), confirmed=False)
        append(actor, "accounts.start_totp_enrolment", user, detail={"device": device.pk})
    return device


def confirm_totp_device(actor: Actor, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One supervision key per person: a new one replaces the old.
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        append(actor, "accounts.confirm_totp_device", device.user, detail={"device": device.pk})
    return True


@records_refusals
def issue_api_token(actor: Actor, *, user: User, name: str) -> tuple[ApiToken, str]:
    """A token for an integration account. The secret is shown once and only its digest is kept."""
    require_admin(actor, "accounts.issue_api_token", user)
    if user.kind != AccountKind.INTEGRATION:
        raise ValidationError({"user": _("API tokens are issued to integration accounts only.")})
    if not name.strip():
        raise ValidationError({"name": _("Name the token after the system that will use it.")})
    raw = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=raw[:8], digest=ApiToken.digest_of(raw)
        )
        append(actor, "accounts.issue_api_token", token, changes={"name": (None, token.name)})
    return token, raw


@records_refusals
def revoke_api_token(actor: Actor, token: ApiToken, *, reason: str) -> None:
    require_admin(actor, "accounts.revoke_api_token", token)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        append(actor, "accounts.revoke_api_token", token, reason=reason)
