"""Sealed documents (电子签章文书): results of cases, letters; signed PDFs anyone can verify."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("Decision to approve")
    REFUSAL = "refusal", _("Decision to refuse")
    PENALTY = "penalty", _("Administrative penalty decision")
    RECOMMENDATION = "recommendation", _("Supervision recommendation letter")
    ACCOUNTABILITY = "accountability", _("Accountability notice")
    OTHER = "other", _("Other document")


class Document(models.Model):
    """A sealed document (电子签章文书): a PDF signed with its unit's seal, its hash kept for checks."""

    number = models.CharField(_("document number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="documents", verbose_name=_("issuer")
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    file = models.FileField(upload_to="documents/%Y/")
    sha256 = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sealed document")
        verbose_name_plural = _("sealed documents")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="documents_subject")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
