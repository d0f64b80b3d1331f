"""Alarms (预警/报警): warnings before a time limit, red cards after it, violations, system faults."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation


class AlarmLevel(models.TextChoices):
    YELLOW = "yellow", _("Yellow card (warning)")
    RED = "red", _("Red card (alarm)")
    SYSTEM = "system", _("System alarm")


class AlarmKind(models.TextChoices):
    # Time limits (S14).
    STEP_DUE_SOON = "step_due_soon", _("Step due soon")
    CASE_DUE_SOON = "case_due_soon", _("Case due soon")
    STEP_OVERDUE = "step_overdue", _("Step overdue although the case is not")
    CASE_OVERDUE = "case_overdue", _("Case overdue")
    TOWNSHIP_FORWARDED_LATE = "township_late", _("Township initial review forwarded late")
    # Situations of the municipal e-supervision system.
    REFUSED_WITHOUT_REASONS = "refused_without_reasons", _("Application refused without reasons")
    LAWFUL_APPLICATION_REFUSED = "lawful_refused", _("Lawful application refused")
    OFF_SYSTEM = "off_system", _("Business not handled in the system")
    FEE_MISMATCH = "fee_mismatch", _("Fee not matching the fee standard")
    SITE_INSPECTION_MISSED = "site_inspection_missed", _("Scheduled site inspection missed")
    OTHER = "other", _("Other (raised by hand)")
    # Violation attempts (S6, S13).
    AUTHORITY_VIOLATION = "authority_violation", _("Attempt to exceed authority or act for another")
    CHECKPOINT_BLOCKED = "checkpoint_blocked", _("Blocked at an electronic checkpoint")
    # The system itself.
    CALENDAR_MISSING = "calendar_missing", _("Working-day calendar missing for a year")
    LEDGER_VERIFICATION_FAILED = "ledger_failed", _("Ledger verification failed")


class AlarmState(models.TextChoices):
    RAISED = "raised", _("Raised")
    EXPLAINED = "explained", _("Explained by the unit")
    VERIFIED = "verified", _("Verified by an inspector")
    DISMISSED = "dismissed", _("Dismissed")
    LETTER = "letter", _("Recommendation letter issued")
    ACCOUNTABILITY = "accountability", _("Accountability started")
    RECTIFIED = "rectified", _("Rectified")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (
    AlarmState.RAISED,
    AlarmState.EXPLAINED,
    AlarmState.VERIFIED,
    AlarmState.LETTER,
    AlarmState.ACCOUNTABILITY,
    AlarmState.RECTIFIED,
)


class AlarmQuerySet(models.QuerySet["Alarm"]):
    def open(self) -> AlarmQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def for_units(self, unit_ids: set[int] | None) -> AlarmQuerySet:
        """Alarms of these units (None: the whole district, system alarms included)."""
        if unit_ids is None:
            return self
        return self.filter(unit_id__in=unit_ids)


class Alarm(models.Model):
    """An alarm (报警) or warning (预警) about a case, a step, a person or the system."""

    kind = models.CharField(_("kind"), max_length=32, choices=AlarmKind.choices)
    level = models.CharField(_("level"), max_length=8, choices=AlarmLevel.choices)
    state = models.CharField(_("state"), max_length=16, choices=AlarmState.choices, default=AlarmState.RAISED)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("unit"),
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("person concerned"),
    )
    message = models.TextField(_("message"))
    detail = models.JSONField(default=dict, blank=True)
    # Raising is idempotent: the same situation always produces the same key, and the unique
    # constraint makes a second raise (another timer node, a retry) a no-op.
    dedupe_key = models.CharField(max_length=200, unique=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["unit", "state", "-raised_at"], name="alarms_unit_state"),
            models.Index(fields=["subject_type", "subject_id"], name="alarms_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_kind_display()}"
