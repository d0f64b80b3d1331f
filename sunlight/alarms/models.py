"""Alarms (预警/报警): warnings before a time limit, red cards after it, violations, system faults."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
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
TERMINAL_STATES = (AlarmState.DISMISSED, AlarmState.CLOSED)
# Kinds raised by the time-limit sweep (S14), as opposed to violations and system faults.
TIME_LIMIT_KINDS = (
    AlarmKind.STEP_DUE_SOON,
    AlarmKind.CASE_DUE_SOON,
    AlarmKind.STEP_OVERDUE,
    AlarmKind.CASE_OVERDUE,
    AlarmKind.TOWNSHIP_FORWARDED_LATE,
)
# The municipal e-supervision situations an inspector or a monitoring centre may raise by hand.
MANUAL_KINDS = (
    AlarmKind.LAWFUL_APPLICATION_REFUSED,
    AlarmKind.REFUSED_WITHOUT_REASONS,
    AlarmKind.OFF_SYSTEM,
    AlarmKind.FEE_MISMATCH,
    AlarmKind.SITE_INSPECTION_MISSED,
    AlarmKind.OTHER,
)


class AlarmQuerySet(models.QuerySet["Alarm"]):
    def open(self) -> AlarmQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def for_units(self, unit_ids: set[int] | None) -> AlarmQuerySet:
        """Alarms of these units (None: the whole district, system alarms included)."""
        if unit_ids is None:
            return self
        return self.filter(unit_id__in=unit_ids)

    def stage_overdue(self, today: dt.date) -> AlarmQuerySet:
        """Alarms whose current stage (explain, verify, rectify…) missed its deadline."""
        return self.filter(stage_due__isnull=False, stage_due__lt=today)

    def unnotified(self) -> AlarmQuerySet:
        return self.filter(notified_at__isnull=True)

    def about(self, subject_type: str, subject_id: str | int) -> AlarmQuerySet:
        return self.filter(subject_type=subject_type, subject_id=str(subject_id))


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
    # The deadline of the current stage in the lifecycle (the unit explains, an inspector
    # verifies, the unit rectifies…), in working days; None in the final states and for
    # warnings. The escalation timer reads it through the partial index below.
    stage_due = models.DateField(_("stage due"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    # Set when the people concerned were told (the notification timer's claim).
    notified_at = models.DateTimeField(null=True, blank=True)
    letter = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommendation letter"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["unit", "state", "-raised_at"], name="alarms_unit_state"),
            models.Index(fields=["subject_type", "subject_id"], name="alarms_subject"),
            models.Index(fields=["kind", "-raised_at"], name="alarms_kind"),
            # The timers' rows: stages past their deadline, alarms nobody was told about yet.
            models.Index(fields=["stage_due"], name="alarms_stage_due", condition=Q(stage_due__isnull=False)),
            models.Index(
                fields=["raised_at"], name="alarms_unnotified", condition=Q(notified_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_kind_display()}"


class Transition(models.TextChoices):
    """The steps of an alarm's disposal (报警处置), each one an action with its ledger leaf."""

    RAISE = "raise", _("Raised")
    EXPLAIN = "explain", _("Explained by the unit")
    VERIFY = "verify", _("Verified by an inspector")
    DISMISS = "dismiss", _("Dismissed")
    LETTER = "letter", _("Recommendation letter issued")
    ACCOUNTABILITY = "accountability", _("Accountability started")
    RECTIFY = "rectify", _("Rectification reported")
    CLOSE = "close", _("Closed")
    ESCALATE = "escalate", _("Escalated: a stage missed its deadline")
    RESOLVE = "resolve", _("Warning resolved: the work was done")


class AlarmEventQuerySet(models.QuerySet["AlarmEvent"]):
    def timeline(self) -> AlarmEventQuerySet:
        return self.select_related("by", "post", "document").order_by("at", "pk")


class AlarmEvent(models.Model):
    """One step of an alarm's disposal (处置记录): who did what, with which text, by when next."""

    alarm = models.ForeignKey(Alarm, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("step"), max_length=16, choices=Transition.choices)
    from_state = models.CharField(max_length=16, choices=AlarmState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=AlarmState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    post = models.ForeignKey(
        "orgs.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("post")
    )
    text = models.TextField(_("text"), blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage_due = models.DateField(_("next stage due"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = AlarmEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal record")
        verbose_name_plural = _("disposal records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.alarm_id}: {self.get_transition_display()}"


class Accountability(models.Model):
    """An accountability procedure (问责): the person directly responsible and the leader in charge."""

    alarm = models.OneToOneField(Alarm, on_delete=models.PROTECT, related_name="accountability")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person directly responsible"),
    )
    responsible_post = models.ForeignKey(
        "orgs.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("their post")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader in charge"),
    )
    leader_post = models.ForeignKey(
        "orgs.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("the leader's post")
    )
    grounds = models.TextField(_("grounds"))
    notice = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("accountability procedure")
        verbose_name_plural = _("accountability procedures")

    def __str__(self) -> str:
        return f"{self.alarm_id}: {self.responsible} / {self.leader}"


class SweepMark(models.Model):
    """A timer's bookmark (e.g. the last ledger leaf read), claimed by a conditional UPDATE."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"
