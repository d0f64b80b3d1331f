"""The risk register (廉政风险台账) and the units' control plans (防控方案).

Each unit finds, per power, step and post, its key joints (关节点), weak points (薄弱点) and
risk points (风险点), grades them and writes control measures; the plan bundling them is filed
with the discipline commission, which returns it with findings or approves it (S2, S4). What
prompted a revision (a complaint, an alarm, a case finding, a bad rating) is kept (S26).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation, Post
from sunlight.powers.models import PowerItem


class RiskKind(models.TextChoices):
    KEY_JOINT = "key_joint", _("Key joint")
    WEAK_POINT = "weak_point", _("Weak point")
    RISK_POINT = "risk_point", _("Risk point")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


LEVEL_ORDER: dict[str, int] = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}


class RiskDomain(models.TextChoices):
    """What a post has power over; the usual grading puts these at high risk."""

    FUNDS = "funds", _("Funds")
    PROCUREMENT = "procurement", _("Procurement")
    PROJECTS = "projects", _("Construction projects")
    MAJOR_MATTERS = "major_matters", _("Major matters (三重一大)")


class RiskState(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RiskPointQuerySet(models.QuerySet["RiskPoint"]):
    def active(self) -> RiskPointQuerySet:
        return self.filter(state=RiskState.ACTIVE)

    def public(self) -> RiskPointQuerySet:
        return self.active().filter(is_public=True)

    def of_unit(self, unit_id: int) -> RiskPointQuerySet:
        return self.filter(unit_id=unit_id)

    def high(self) -> RiskPointQuerySet:
        return self.filter(level=RiskLevel.HIGH)


class RiskPoint(models.Model):
    """A risk point (风险点) of a unit, at a power's step and a post, with its red line."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="risk_points", verbose_name=_("unit")
    )
    power = models.ForeignKey(
        PowerItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_points",
        verbose_name=_("power item"),
    )
    step = models.CharField(_("step"), max_length=50, blank=True)
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_points",
        verbose_name=_("post"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RiskKind.choices)
    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    description = models.TextField(_("description"))
    red_line = models.TextField(_("red line"), blank=True)
    consequence = models.TextField(_("consequence of crossing it"), blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    state = models.CharField(_("state"), max_length=8, choices=RiskState.choices, default=RiskState.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RiskPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["unit", "state", "level"], name="risks_point_unit_level"),
            models.Index(fields=["power", "state"], name="risks_point_power"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    def domain_labels(self) -> list[str]:
        return [str(RiskDomain(d).label) for d in self.domains if d in RiskDomain.values]


class MeasureKind(models.TextChoices):
    """The seed's three kinds of defence: institution, technology, culture (制度+科技+文化)."""

    INSTITUTIONAL = "institutional", _("Institutional (rules and procedures)")
    TECHNICAL = "technical", _("Technical (electronic checkpoint, system control)")
    CULTURAL = "cultural", _("Cultural (education, integrity contracts, integrity messages)")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_PLACE = "in_place", _("In place")
    RETIRED = "retired", _("Retired")


class ReviewCadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


CADENCE_MONTHS: dict[str, int] = {
    ReviewCadence.MONTHLY: 1,
    ReviewCadence.QUARTERLY: 3,
    ReviewCadence.HALF_YEARLY: 6,
    ReviewCadence.YEARLY: 12,
}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class ControlMeasureQuerySet(models.QuerySet["ControlMeasure"]):
    def live(self) -> ControlMeasureQuerySet:
        return self.exclude(status=MeasureStatus.RETIRED).filter(risk_point__state=RiskState.ACTIVE)

    def review_overdue(self, on: dt.date | None = None) -> ControlMeasureQuerySet:
        return self.live().filter(next_review__lt=on or timezone.localdate())

    def of_unit(self, unit_id: int) -> ControlMeasureQuerySet:
        return self.filter(risk_point__unit_id=unit_id)


class ControlMeasure(models.Model):
    """A control measure (防控措施) against one risk point, with its owner and review cadence."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    owner = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner post")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    evidence = models.TextField(_("evidence"), blank=True)
    cadence = models.CharField(
        _("review cadence"), max_length=16, choices=ReviewCadence.choices, default=ReviewCadence.QUARTERLY
    )
    next_review = models.DateField(_("next review"))
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ControlMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["risk_point__code", "number"]
        constraints = [models.UniqueConstraint(fields=["risk_point", "number"], name="risks_measure_number")]
        # Measures past their review date, per unit (coverage gaps).
        indexes = [models.Index(fields=["status", "next_review"], name="risks_measure_review")]

    def __str__(self) -> str:
        return f"{self.risk_point.code}-{self.number}"

    @property
    def ref(self) -> str:
        return f"{self.risk_point.code}/{self.number}"


class PromptKind(models.TextChoices):
    """What prompted a revision of the register (S4, S26)."""

    COMPLAINT = "complaint", _("Complaint or petition")
    ALARM = "alarm", _("Alarm")
    CASE_FINDING = "case_finding", _("Case finding")
    BAD_RATING = "bad_rating", _("Bad service rating")
    REVIEW_FINDING = "review_finding", _("Commission's review finding")
    SELF_CHECK = "self_check", _("Unit's own check")


class RiskRevision(models.Model):
    """A revision of a risk point (修订记录) and what prompted it."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="revisions")
    prompt = models.CharField(_("prompted by"), max_length=16, choices=PromptKind.choices)
    # What prompted it, as "app.model:id" when it is a row (an alarm…), with a readable reference.
    source = models.CharField(_("source"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    changed = models.JSONField(_("changed fields"), default=list)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risk revision")
        verbose_name_plural = _("risk revisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk_point.code} · {self.get_prompt_display()}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned to be redone")
    APPROVED = "approved", _("Approved")


PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanState.DRAFT, "submit"): PlanState.SUBMITTED,
    (PlanState.RETURNED, "submit"): PlanState.SUBMITTED,
    (PlanState.SUBMITTED, "return"): PlanState.RETURNED,
    (PlanState.SUBMITTED, "approve"): PlanState.APPROVED,
}
OPEN_PLAN_STATES = (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.RETURNED)


class PlanImmutable(RuntimeError):
    """Raised when something tries to change an approved plan."""


class ControlPlanQuerySet(models.QuerySet["ControlPlan"]):
    def open(self) -> ControlPlanQuerySet:
        return self.filter(state__in=OPEN_PLAN_STATES)

    def awaiting_review(self) -> ControlPlanQuerySet:
        return self.filter(state=PlanState.SUBMITTED)


class ControlPlan(models.Model):
    """A unit's control plan (防控方案), filed with the discipline commission for review."""

    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="control_plans", verbose_name=_("unit")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    round = models.PositiveSmallIntegerField(_("submissions"), default=0)
    # What the unit filed, frozen at each submission: the commission reviews this, not a
    # register that may have moved on since.
    snapshot = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ControlPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("control plan")
        verbose_name_plural = _("control plans")
        ordering = ["unit__sort", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="risks_plan_number"),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(state__in=OPEN_PLAN_STATES), name="risks_one_open_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and ControlPlan.objects.filter(pk=self.pk, state=PlanState.APPROVED).exists():
            raise PlanImmutable(f"{self} is approved and cannot be changed")
        super().save(*args, **kwargs)


class FindingKind(models.TextChoices):
    MISSING_POWER = "missing_power", _("Key power missing")
    MISSING_POST = "missing_post", _("Key post missing")
    WEAK_MEASURE = "weak_measure", _("Measure not strong enough")
    OTHER = "other", _("Other")


class PlanFinding(models.Model):
    """A finding (审核意见) of the commission on a submitted plan."""

    plan = models.ForeignKey(ControlPlan, on_delete=models.PROTECT, related_name="findings")
    round = models.PositiveSmallIntegerField(_("submission"))
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    power = models.ForeignKey(PowerItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    risk_point = models.ForeignKey(
        RiskPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan finding")
        verbose_name_plural = _("plan findings")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
