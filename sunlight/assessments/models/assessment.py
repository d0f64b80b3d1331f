"""The quarterly unit assessment (季度考核, S25): the yearly scheme, each unit's scores and the
commission's manual items.

Every stored figure is an integer: rates in basis points (97.50% = 9750), "per 100 cases" in
hundredths, counts as counts, and points in hundredths of a point (18.50 = 1850). The ledger
refuses floats, and so do these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation, Post


class Indicator(models.TextChoices):
    """The indicators of the assessment (考核指标), each computed from the platform's own data."""

    ON_TIME = "on_time", _("Cases concluded on time")
    ALARMS_PER_100 = "alarms_per_100", _("Red alarms per 100 cases")
    UNEXPLAINED = "unexplained", _("Red alarms left unexplained")
    RECTIFICATION = "rectification", _("Rectifications done on time")
    SATISFACTION = "satisfaction", _("Service satisfaction")
    RECONCILIATION = "reconciliation", _("Reconciliation misses")
    CONTROL_PLAN = "control_plan", _("Control plan: completeness and review")
    REPORTS = "reports", _("Whistleblowing reports substantiated")


class Measure(models.TextChoices):
    """What an indicator's integer value counts."""

    BASIS_POINTS = "bp", _("per cent (basis points)")
    HUNDREDTHS = "hundredths", _("hundredths")
    COUNT = "count", _("count")


MEASURE_OF: dict[str, Measure] = {
    Indicator.ON_TIME: Measure.BASIS_POINTS,
    Indicator.ALARMS_PER_100: Measure.HUNDREDTHS,
    Indicator.UNEXPLAINED: Measure.COUNT,
    Indicator.RECTIFICATION: Measure.BASIS_POINTS,
    Indicator.SATISFACTION: Measure.BASIS_POINTS,
    Indicator.RECONCILIATION: Measure.COUNT,
    Indicator.CONTROL_PLAN: Measure.BASIS_POINTS,
    Indicator.REPORTS: Measure.COUNT,
}

# The district's starting scheme: (weight, zero point, full-marks point) in the indicator's
# measure. Full marks above the zero point means higher is better. Weights sum to 100.
DEFAULT_RULES: dict[str, tuple[int, int, int]] = {
    Indicator.ON_TIME: (20, 8000, 10000),  # 80% → 0 points, 100% → 20
    Indicator.ALARMS_PER_100: (15, 2000, 0),  # 20 red alarms per 100 cases → 0, none → 15
    Indicator.UNEXPLAINED: (10, 5, 0),
    Indicator.RECTIFICATION: (10, 5000, 10000),
    Indicator.SATISFACTION: (15, 8000, 10000),
    Indicator.RECONCILIATION: (10, 5, 0),
    Indicator.CONTROL_PLAN: (10, 0, 10000),
    Indicator.REPORTS: (10, 3, 0),
}
DEFAULT_THRESHOLDS = (90, 80, 60)  # 优秀, 良好, 合格 from these totals; below: 不合格


class AssessmentGrade(models.TextChoices):
    """The four grades (考核等次): 优秀, 良好, 合格, 不合格."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AssessmentState(models.TextChoices):
    COMPUTED = "computed", _("Computed (draft)")
    APPROVED = "approved", _("Approved by the commission")
    PUBLISHED = "published", _("Published")


FINAL_STATES = (AssessmentState.APPROVED, AssessmentState.PUBLISHED)


class Scheme(models.Model):
    """A year's assessment scheme (考核方案): indicator weights, scoring rules and grade thresholds."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_from = models.PositiveSmallIntegerField(_("Excellent from (points)"), default=90)
    good_from = models.PositiveSmallIntegerField(_("Good from (points)"), default=80)
    pass_from = models.PositiveSmallIntegerField(_("Pass from (points)"), default=60)
    configured_at = models.DateTimeField(_("configured at"))
    configured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_from__gt=models.F("good_from"), good_from__gt=models.F("pass_from")),
                name="assessments_thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class Rule(models.Model):
    """One indicator of a scheme (考核指标及分值): its weight and where its points run from and to.

    Points rise linearly from 0 at the zero point to the weight at the full-marks point and stay
    there beyond it; the full-marks point above the zero point means higher is better.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    weight = models.PositiveSmallIntegerField(_("weight (points)"))
    zero_point = models.IntegerField(_("zero points at"))
    full_point = models.IntegerField(_("full points at"))

    class Meta:
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="assessments_rule_once"),
            models.CheckConstraint(
                condition=~Q(zero_point=models.F("full_point")), name="assessments_rule_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} {self.indicator}: {self.weight}"

    @property
    def higher_is_better(self) -> bool:
        return self.full_point > self.zero_point


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def of_quarter(self, year: int, quarter: int) -> AssessmentQuerySet:
        return self.filter(year=year, quarter=quarter)

    def published(self) -> AssessmentQuerySet:
        return self.filter(state=AssessmentState.PUBLISHED)

    def ranked(self) -> AssessmentQuerySet:
        return self.select_related("unit").order_by("rank", "unit__sort", "unit__code")


class Assessment(models.Model):
    """A unit's assessment for one quarter (单位季度考核): scores, manual items, total, grade, rank."""

    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assessments")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    # The last day whose data counted: before the quarter's end while the quarter is running.
    as_of = models.DateField(_("data through"))
    state = models.CharField(
        _("state"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.COMPUTED
    )
    computed_at = models.DateTimeField(_("computed at"))
    auto_centi = models.IntegerField(_("points from the indicators (hundredths)"), default=0)
    manual_centi = models.IntegerField(_("manual points (hundredths)"), default=0)
    total_centi = models.IntegerField(_("total (hundredths of a point)"), default=0)
    grade = models.CharField(_("grade"), max_length=10, choices=AssessmentGrade.choices)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    # SHA-256 of the figures: a recomputation that changes nothing writes nothing.
    digest = models.CharField(max_length=64, blank=True)
    letter_draft = models.TextField(_("recommendation letter (draft)"), blank=True)
    letter_edited = models.BooleanField(default=False)
    letter = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommendation letter"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit assessment")
        verbose_name_plural = _("unit assessments")
        ordering = ["-year", "-quarter", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="assessments_once_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="assessments_quarter"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "rank"], name="assessments_ranking")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}Q{self.quarter}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def to_date(self) -> bool:
        return self.as_of < self.period_end


class Score(models.Model):
    """One indicator's figure for a unit and quarter, its points and the records behind it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    zero_point = models.IntegerField()
    full_point = models.IntegerField()
    # None: nothing to measure (no case concluded, no rating…): the indicator is left out and
    # the total is scaled to the weights that apply.
    value = models.IntegerField(_("value"), null=True, blank=True)
    numerator = models.IntegerField(default=0)
    denominator = models.IntegerField(default=0)
    points_centi = models.IntegerField(_("points (hundredths)"), null=True, blank=True)
    # {group: {record type: [ids]}}: the cases, alarms, ratings… each figure was counted from.
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="assessments_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.indicator}: {self.value}"

    @property
    def measure(self) -> Measure:
        return MEASURE_OF[self.indicator]


class ManualItem(models.Model):
    """A manual item (加减分事项) the commission enters, with its reason: points added or deducted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="manual_items")
    points_centi = models.IntegerField(_("points (hundredths)"))
    reason = models.TextField(_("reason"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("manual item")
        verbose_name_plural = _("manual items")
        ordering = ["entered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.points_centi}"
