"""Checkpoint rules (电子关卡) with immutable versions and unit parameters; discretion benchmarks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.checkpoints.kinds import NodeKind, Severity
from sunlight.orgs.models import Organisation


class RuleQuerySet(models.QuerySet["Rule"]):
    def for_unit(self, unit_id: int | None) -> RuleQuerySet:
        """District-wide rules and, with a unit, that unit's own."""
        if unit_id is None:
            return self.filter(unit__isnull=True)
        return self.filter(Q(unit__isnull=True) | Q(unit_id=unit_id))


class Rule(models.Model):
    """A checkpoint rule (电子关卡规则): a code bound to a node kind; its content lives in versions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    node_kind = models.CharField(_("node"), max_length=32, choices=NodeKind.choices)
    # None: the whole district. A unit's own rule applies to that unit's actions only.
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkpoint_rules",
        verbose_name=_("unit"),
    )
    builtin = models.BooleanField(_("built in"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint rule")
        verbose_name_plural = _("checkpoint rules")
        ordering = ["node_kind", "code"]

    def __str__(self) -> str:
        return self.code


class RuleVersionQuerySet(models.QuerySet["RuleVersion"]):
    def in_force(self, on: dt.date) -> RuleVersionQuerySet:
        return self.filter(effective_from__lte=on).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on)
        )


class RuleVersion(models.Model):
    """One version of a rule: CEL expression, message, legal basis, severity, validity, parameters.

    Versions are never changed: editing a rule writes the next version, so every recorded
    outcome (rule code + version) can be read back exactly as it was applied.
    """

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions", verbose_name=_("rule"))
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    expression = models.TextField(_("CEL expression"))
    message = models.CharField(
        _("message when it fails"),
        max_length=500,
        help_text=_(
            "Shown when the rule stops an action. {name} inserts a parameter, e.g. {single_max_fen}."
        ),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.BLOCK)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    # {"single_max_fen": 50000000, ...}: integers only (fen, basis points, counts, days).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    note = models.CharField(_("reason for this version"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="checkpoints_rule_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="checkpoints_rule_version_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} v{self.version}"


class ParameterOverride(models.Model):
    """A unit's own value for a rule parameter (e.g. its change-order red line), set by an admin."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="overrides", verbose_name=_("rule"))
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("parameter"), max_length=40)
    value = models.BigIntegerField(_("value"))
    reason = models.CharField(_("reason"), max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("unit parameter")
        verbose_name_plural = _("unit parameters")
        ordering = ["rule", "unit__sort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "unit", "name"], name="checkpoints_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code}.{self.name} @ {self.unit}"


class RuleSetToken(models.Model):
    """One row whose token changes with every rule edit: evaluators reload their cache when it does.

    A random token rather than a counter: a rolled-back edit restores the old token, and an
    old token never names different content.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("rule set token")

    def __str__(self) -> str:
        return self.token


class Grade(models.TextChoices):
    """Grades of a violation in a discretion benchmark."""

    MINOR = "minor", _("Minor (轻微)")
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较重)")
    GRAVE = "grave", _("Grave (严重)")


class Benchmark(models.Model):
    """A discretion benchmark (自由裁量基准) for one violation type, owned by an enforcing unit."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="benchmarks", verbose_name=_("unit")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discretion benchmark")
        verbose_name_plural = _("discretion benchmarks")
        ordering = ["unit__sort", "code"]

    def __str__(self) -> str:
        return self.code


class BenchmarkVersionQuerySet(models.QuerySet["BenchmarkVersion"]):
    def in_force(self, on: dt.date) -> BenchmarkVersionQuerySet:
        return self.filter(effective_from__lte=on).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on)
        )


class BenchmarkVersion(models.Model):
    """One version of a benchmark's decision table: its facts (inputs) and graded rows. Immutable."""

    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.PROTECT, related_name="versions", verbose_name=_("benchmark")
    )
    version = models.PositiveIntegerField(_("version"))
    violation = models.CharField(_("violation type"), max_length=200)
    # [{"name": "area_m2", "label": "违法建设面积（平方米）", "type": "int"|"bool"|"fen"}, ...]
    inputs = models.JSONField(_("facts"), default=list)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("reason for this version"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BenchmarkVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmark version")
        verbose_name_plural = _("benchmark versions")
        ordering = ["benchmark", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "version"], name="checkpoints_benchmark_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark.code} v{self.version}"


class BenchmarkRow(models.Model):
    """A row of a decision table: when its CEL condition holds (first hit wins), this grade applies."""

    version = models.ForeignKey(
        BenchmarkVersion, on_delete=models.CASCADE, related_name="rows", verbose_name=_("version")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    condition = models.TextField(_("condition (CEL over the facts)"))
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    penalty_min_fen = models.BigIntegerField(_("lowest fine (fen)"))
    penalty_max_fen = models.BigIntegerField(_("highest fine (fen)"))
    measures = models.CharField(_("other measures"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("benchmark row")
        verbose_name_plural = _("benchmark rows")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="checkpoints_benchmark_row_order"),
            models.CheckConstraint(
                condition=Q(penalty_min_fen__gte=0) & Q(penalty_max_fen__gte=models.F("penalty_min_fen")),
                name="checkpoints_benchmark_row_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} #{self.order} {self.get_grade_display()}"


class DecisionState(models.TextChoices):
    WITHIN_RANGE = "within", _("Within the benchmark")
    AWAITING_HEAD = "awaiting_head", _("Outside the range: awaiting the head")
    DEVIATION_APPROVED = "approved", _("Outside the range: approved by the head, flagged to inspectors")
    DEVIATION_REFUSED = "refused", _("Outside the range: refused by the head")


class PenaltyDecisionQuerySet(models.QuerySet["PenaltyDecision"]):
    def deviations(self) -> PenaltyDecisionQuerySet:
        return self.exclude(state=DecisionState.WITHIN_RANGE)

    def for_units(self, unit_ids: set[int] | None) -> PenaltyDecisionQuerySet:
        return self if unit_ids is None else self.filter(unit_id__in=unit_ids)


class PenaltyDecision(models.Model):
    """A penalty decided under a discretion benchmark (处罚决定的裁量): the facts, the grade, the fine."""

    version = models.ForeignKey(
        BenchmarkVersion, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("benchmark")
    )
    row = models.ForeignKey(BenchmarkRow, on_delete=models.PROTECT, related_name="+", verbose_name=_("grade"))
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    case_reference = models.CharField(_("case number"), max_length=64)
    facts = models.JSONField(_("facts"))
    amount_fen = models.BigIntegerField(_("fine (fen)"))
    justification = models.TextField(_("justification for leaving the range"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=DecisionState.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    objects = PenaltyDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="checkpoints_decision_amount")
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} · {self.row.get_grade_display()}"

    @property
    def within_range(self) -> bool:
        return self.row.penalty_min_fen <= self.amount_fen <= self.row.penalty_max_fen
