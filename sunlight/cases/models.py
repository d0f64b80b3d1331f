"""Cases (办件), their steps (环节), suspensions (暂停计时), extensions (延期) and the shared dossier."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Delegation, Organisation, Post
from sunlight.processes.models import ProcessDefinition


class CaseState(models.TextChoices):
    RUNNING = "running", _("In progress")
    SUSPENDED = "suspended", _("Clock suspended")
    APPROVED = "approved", _("Concluded: approved")
    REFUSED = "refused", _("Concluded: refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CASE_STATES = (CaseState.RUNNING, CaseState.SUSPENDED)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company or organisation")


class Applicant(models.Model):
    """An applicant (申请人). Identity numbers are kept only as a digest and a masked form."""

    kind = models.CharField(_("kind"), max_length=10, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # HMAC of the normalised identity number: finds the same applicant again (S9) without
    # storing the number itself.
    id_digest = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField(_("identity number"), max_length=32)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        """Personal names are masked on public pages: 张*华; companies are shown whole."""
        if self.kind == ApplicantKind.COMPANY or len(self.name) < 2:
            return self.name
        if len(self.name) == 2:
            return self.name[0] + "*"
        return self.name[0] + "*" * (len(self.name) - 2) + self.name[-1]


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_CASE_STATES)

    def of_units(self, unit_ids: set[int] | None) -> CaseQuerySet:
        return self if unit_ids is None else self.filter(Q(owner_id__in=unit_ids) | Q(intake_id__in=unit_ids))

    def overdue(self, on: dt.date | None = None) -> CaseQuerySet:
        return self.filter(state=CaseState.RUNNING, due_date__lt=on or timezone.localdate())


class Case(models.Model):
    """A case (办件): one application handled along one pinned version of a process."""

    number = models.CharField(_("case number"), max_length=32, unique=True)
    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="cases", verbose_name=_("process")
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    intake = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_cases",
        verbose_name=_("intake township"),
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="cases", verbose_name=_("applicant")
    )
    subject = models.CharField(_("subject"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.RUNNING)
    query_code_digest = models.CharField(max_length=64)
    started_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    due_provisional = models.BooleanField(_("provisional"), default=False)
    extended_days = models.PositiveIntegerField(_("extended by (working days)"), default=0)
    completed_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    data = models.JSONField(_("case data"), default=dict, blank=True)
    # The sealed decision, issued by the timer loop right after the case concludes (signing a
    # PDF takes a quarter of a second: it stays out of the person's request).
    result_document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result document"),
    )
    acknowledged_risks = models.JSONField(default=list, blank=True)
    # Branches waiting at a parallel join, by join: {gateway id: [source node ids]}. Kept on the
    # case row, which every step rewrites anyway (its data), rather than as rows of their own:
    # half the steps of a parallel process end at a join.
    joins = models.JSONField(default=dict, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["owner", "state", "-started_at"], name="cases_owner_state"),
            # The case-level timers: open cases by due date, and nothing else in the index.
            models.Index(
                fields=["due_date"], name="cases_open_due", condition=Q(state__in=["running", "suspended"])
            ),
            models.Index(
                fields=["completed_at"],
                name="cases_result_pending",
                condition=Q(state__in=["approved", "refused"], result_document__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES


class CaseCounter(models.Model):
    """The last case number used by a unit in a year (numbers are per unit and year, no gaps)."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="cases_counter_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class StepState(models.TextChoices):
    ACTIVE = "active", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class StepQuerySet(models.QuerySet["Step"]):
    def active(self) -> StepQuerySet:
        return self.filter(state=StepState.ACTIVE)

    def for_posts(self, post_ids: set[int]) -> StepQuerySet:
        return self.filter(posts__in=post_ids).distinct()

    def overdue(self, on: dt.date | None = None) -> StepQuerySet:
        return self.active().filter(due_date__lt=on or timezone.localdate())

    def due_by(self, day: dt.date) -> StepQuerySet:
        return self.active().filter(due_date__lte=day)


class Step(models.Model):
    """A step (环节) of a case at one post, with its time limit, form, decision and who did it."""

    # Indexed by the unique constraint below, which begins with it: a second index on the
    # column alone would only cost a page write per step.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="steps", verbose_name=_("case"), db_index=False
    )
    node_id = models.CharField(max_length=40)
    iteration = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("step"), max_length=100)
    stage_name = models.CharField(_("stage"), max_length=100, blank=True)
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    posts = models.ManyToManyField(Post, related_name="steps", verbose_name=_("posts"))
    state = models.CharField(_("state"), max_length=10, choices=StepState.choices, default=StepState.ACTIVE)
    limit = models.PositiveSmallIntegerField(_("limit (working days)"), default=0)
    activated_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(_("due date"))
    due_provisional = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Empty until the step is done: indexed only where set (see Meta), so that opening a step
    # writes no index entry for them and completing it writes one, not a move out of the NULLs.
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    acted_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    form_data = models.JSONField(default=dict, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["activated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "node_id", "iteration"], name="cases_step_once"),
        ]
        indexes = [
            # The step timers sweep only active steps by due date.
            models.Index(fields=["due_date"], name="cases_active_step_due", condition=Q(state="active")),
            # `completed_by_id = %s` implies IS NOT NULL, so both databases use these for lookups
            # and for the foreign keys' checks. The post a step was done in has none: no page
            # asks for the steps of a post that way, posts are retired rather than deleted, and
            # the index was a page written by every step's completion.
            models.Index(
                fields=["completed_by"],
                name="cases_step_completed_by",
                condition=Q(completed_by__isnull=False),
            ),
            models.Index(
                fields=["delegation"], name="cases_step_delegation", condition=Q(delegation__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.name}"

    @property
    def overdue(self) -> bool:
        return self.state == StepState.ACTIVE and self.due_date < timezone.localdate()


class Suspension(models.Model):
    """A suspension (暂停计时) of a case's clock for a special procedure (行政许可法 §45)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    kind_code = models.CharField(max_length=40)
    kind_name = models.CharField(_("procedure"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=200)
    reason = models.TextField(_("reason"))
    notice = models.TextField(_("notice to the applicant"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind_name}"


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """An extension (延期) of a case's limit, which needs the approver's recorded approval (§42)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reasons"))
    notice = models.TextField(_("notice to the applicant"))
    state = models.CharField(max_length=10, choices=ExtensionState.choices, default=ExtensionState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.case_id}: +{self.days}"


class Material(models.Model):
    """A material (申请材料) in an applicant's shared dossier, submitted once and reused (S9)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField(_("material"), max_length=100)
    file = models.FileField(upload_to="materials/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    origin = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [models.Index(fields=["applicant", "name"], name="cases_material_applicant")]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class CaseMaterial(models.Model):
    """A material used in a case: uploaded for it, or reused from the dossier."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="uses")
    reused = models.BooleanField(default=False)
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="cases_material_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.material_id}"
