"""Field enforcement (行政执法): registered devices, evidence uploads, immutable evidence, penalty decisions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")


class EvidenceChannel(models.TextChoices):
    DEVICE = "device", _("Registered device")
    WEB = "web", _("Mobile web page")


class HashSource(models.TextChoices):
    DEVICE = "device", _("Computed on the device")
    SERVER = "server", _("Computed by the server (the device sent none)")


class DeviceQuerySet(models.QuerySet["Device"]):
    def active(self) -> DeviceQuerySet:
        return self.filter(active=True, account__is_active=True)


class Device(models.Model):
    """A registered field-enforcement device (执法记录仪、移动执法终端) and its integration account."""

    code = models.CharField(_("device code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="devices", verbose_name=_("unit")
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device", verbose_name=_("account")
    )
    # The officer the device is issued to; uploads name him unless they name another officer.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued to"),
    )
    active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement device")
        verbose_name_plural = _("enforcement devices")
        ordering = ["unit__sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class UploadState(models.TextChoices):
    OPEN = "open", _("Receiving")
    COMPLETE = "complete", _("Complete")
    DISCARDED = "discarded", _("Discarded")


class Upload(models.Model):
    """An evidence upload in progress (分片上传): declared, received chunk by chunk, then checked.

    The row is working state for the transfer; the evidence itself is the immutable `Evidence`
    row created when the bytes match the hash the device declared.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    hash_source = models.CharField(max_length=8, choices=HashSource.choices, default=HashSource.DEVICE)
    content_type = models.CharField(max_length=40, blank=True)  # sniffed from the first chunk
    device_time = models.DateTimeField(_("device time"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=EvidenceChannel.choices)
    received = models.BigIntegerField(default=0)
    # Sizes of the chunks received, in order; chunk i starts at the sum of the sizes before it.
    part_sizes = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=UploadState.choices, default=UploadState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    touched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence upload")
        verbose_name_plural = _("evidence uploads")
        indexes = [
            # The expiry timer reads open uploads by their last chunk, and nothing else.
            models.Index(fields=["touched_at"], name="enforcement_upload_open", condition=Q(state="open")),
            # A device resending a declaration finds its open upload again (offline queues).
            models.Index(fields=["account", "sha256"], name="enforcement_upload_resume"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="enforcement_upload_size"),
            models.CheckConstraint(
                condition=Q(received__gte=0) & Q(received__lte=models.F("size")),
                name="enforcement_upload_received",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class ImmutableEvidence(RuntimeError):
    """Evidence (and its recorded uses) is never changed or deleted, by anyone."""


class ImmutableQuerySet(models.QuerySet[Any]):
    """Bulk writes refused at the ORM as the triggers refuse them in the database."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableEvidence(f"{self.model._meta.label} rows are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableEvidence(f"{self.model._meta.label} rows are never deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ImmutableEvidence(f"{self.model._meta.label} rows are never changed")


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableEvidence(f"{self._meta.label} #{self.pk} is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableEvidence(f"{self._meta.label} #{self.pk} is never deleted")


class EvidenceQuerySet(ImmutableQuerySet):
    def of_case(self, case_id: int) -> EvidenceQuerySet:
        return self.filter(case_id=case_id)


class Evidence(ImmutableModel):
    """Field evidence (现场证据): a photo, video or recording with its capture facts. Immutable.

    Two clocks: the device's time of capture and the server's time of receipt. A gap beyond
    EVIDENCE_OFFLINE_AFTER_SECONDS means the device queued it offline; the flag says so and
    the evidence is still accepted. The SHA-256 was computed on the device and checked here.
    """

    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="evidence")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("case"),
    )
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    hash_source = models.CharField(_("hash computed"), max_length=8, choices=HashSource.choices)
    storage_name = models.CharField(max_length=255, unique=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("device")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=EvidenceChannel.choices)
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("server time"))
    delay_seconds = models.BigIntegerField(_("delay (seconds)"))
    queued_offline = models.BooleanField(_("queued offline"))
    clock_ahead = models.BooleanField(_("device clock ahead"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["device_time", "pk"]
        indexes = [models.Index(fields=["case", "device_time"], name="enforcement_evidence_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.sha256[:12]}…"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def delay(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.delay_seconds)


class CaseDecision(models.Model):
    """A penalty decision (行政处罚决定) of an enforcement case, made under a discretion benchmark."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="penalty_decisions", verbose_name=_("case")
    )
    step = models.ForeignKey("cases.Step", on_delete=models.PROTECT, related_name="+")
    penalty = models.OneToOneField(
        "checkpoints.PenaltyDecision", on_delete=models.PROTECT, related_name="+", verbose_name=_("penalty")
    )
    evidence = models.ManyToManyField(Evidence, through="EvidenceUse", related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # Set when the decision step was completed with this decision (at once within the range;
    # after the head's approval outside it).
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("penalty decision of a case")
        verbose_name_plural = _("penalty decisions of cases")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.penalty_id}"


class EvidenceUse(ImmutableModel):
    """Evidence used for a decision (证据采信): part of its chain of custody. Immutable."""

    decision = models.ForeignKey(CaseDecision, on_delete=models.PROTECT, related_name="uses")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="uses")
    used_at = models.DateTimeField(default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "evidence"], name="enforcement_evidence_use_once")
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} → {self.decision_id}"
