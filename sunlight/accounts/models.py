"""People who sign in (工作人员) and integrations that call the API (接口账号)."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from sunlight.orgs.models import Assignment


class AccountKind(models.TextChoices):
    PERSON = "person", _("Person")
    INTEGRATION = "integration", _("Integration")


class User(AbstractUser):
    """A natural person working for the district (工作人员), or an integration account (接口账号)."""

    full_name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    kind = models.CharField(
        _("account kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.PERSON
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        assignments: models.Manager[Assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        """Phone numbers are personal data: show 138****1234 outside the person's own pages."""
        if len(self.phone) < 7:
            return "*" * len(self.phone)
        return self.phone[:3] + "****" + self.phone[-4:]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """An API token (接口令牌) for an integration; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return "sl_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _hash_token(raw)
