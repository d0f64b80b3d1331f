"""Whistleblowing reports (举报, S16): sealed at rest, read only by the inspectors assigned.

Nothing here can identify a reporter without the reports key: the text, the person reported,
the case concerned, the reporter's identity, attachments and their names, and every message are
sealed (`sunlight.reports.sealing`). No address, browser or session is stored with a report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation, Post


class SubjectKind(models.TextChoices):
    PERSON = "person", _("A member of staff")
    UNIT = "unit", _("A unit")
    CASE = "case", _("The handling of a case")


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to inspectors")
    ACCEPTED = "accepted", _("Accepted, being verified")
    DECLINED = "declined", _("Not accepted")
    CONCLUDED = "concluded", _("Concluded")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


# Which action may move a report from which state (the handling, in order).
TRANSITIONS: dict[str, tuple[ReportState, ...]] = {
    "assign": (ReportState.RECEIVED, ReportState.ASSIGNED, ReportState.ACCEPTED),
    "accept": (ReportState.ASSIGNED,),
    "decline": (ReportState.ASSIGNED,),
    "ask": (ReportState.ASSIGNED, ReportState.ACCEPTED),
    "conclude": (ReportState.ACCEPTED,),
}


class ReportQuerySet(models.QuerySet["Report"]):
    def of_units(self, unit_ids: set[int] | None) -> ReportQuerySet:
        return self if unit_ids is None else self.filter(unit_id__in=unit_ids)

    def assigned_to(self, user_id: int) -> ReportQuerySet:
        return self.filter(assignments__inspector_id=user_id)


class Report(models.Model):
    """A whistleblowing report (举报) about a person, a unit or a case; followed by receipt code."""

    # Random, not the row number: it seals the report's values to this report.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_kind = models.CharField(_("about"), max_length=10, choices=SubjectKind.choices)
    # The unit concerned routes the report to the inspectors of its jurisdiction; everything
    # more precise (the person, the case) is sealed, since a case leads to its applicant.
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit concerned")
    )
    content = models.BinaryField(editable=False)
    identity = models.BinaryField(null=True, editable=False)
    receipt_digest = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True)
    verification = models.BinaryField(null=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistleblowing report")
        verbose_name_plural = _("whistleblowing reports")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["unit", "state"], name="reports_unit_state")]

    def __str__(self) -> str:
        return f"report {self.pk}"

    @property
    def named(self) -> bool:
        return self.identity is not None

    def place(self, what: str) -> str:
        return f"report {self.uid} {what}"


class ReportAssignment(models.Model):
    """An inspector assigned (交办) to a report: only they may read it."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="assignments")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "inspector"], name="reports_assigned_once")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.inspector_id}"


def _random_name(instance: Attachment, filename: str) -> str:
    # Neither the reporter's file name nor a date: a random name under reports/.
    return f"reports/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An attachment (附件) to a report: its bytes and its name sealed, stored under a random name."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=_random_name)
    meta = models.BinaryField(editable=False)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"attachment {self.pk} of {self.report_id}"

    def place(self, what: str) -> str:
        return f"report {self.report.uid} attachment {self.uid} {what}"


class Sender(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    REPORTER = "reporter", _("Reporter")


class Message(models.Model):
    """A message between the inspectors and the reporter (问询与答复), sealed."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.BinaryField(editable=False)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk} on {self.report_id}"

    def place(self) -> str:
        return f"report {self.report.uid} message {self.uid}"
