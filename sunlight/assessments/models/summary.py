"""Summary tables the dashboards and process analytics read (derived data, rebuilt at will).

They hold counts only, keyed by day, unit and power category, so that a dashboard over any
period aggregates a few thousand rows whatever the size of the case tables (DESIGN.md, Scale).
`summary.refresh()` keeps them current by following the ledger; `summary.rebuild()` recomputes
them from the source tables. Unit ids are plain integers: these rows are copies, not records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

OPEN_FACT_STATES = ("running", "suspended")
ALL_CATEGORIES = "*"  # the monthly rows that sum every category of a unit


class SummaryMark(models.Model):
    """How far the summaries have read the ledger (a sequence number), claimed with a row lock."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=-1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"


class CaseFact(models.Model):
    """What one case contributes to the summaries, as last counted.

    A refresh recomputes the fact of every case the ledger shows was touched and applies the
    difference to the daily rows: counting a case twice changes nothing.
    """

    case_id = models.BigIntegerField(primary_key=True)
    definition_id = models.IntegerField()
    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=12)
    started_on = models.DateField()
    due_date = models.DateField()
    concluded_on = models.DateField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    total_days = models.IntegerField(null=True)
    # [[node id, working days], …] of the steps done.
    steps = models.JSONField(default=list)

    class Meta:
        indexes = [
            # The "open now" snapshot reads only open cases.
            models.Index(
                fields=["unit_id", "category"],
                name="assessments_fact_open",
                condition=Q(state__in=OPEN_FACT_STATES),
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}"


class CaseCounts(models.Model):
    """The case counters a day's or a month's row keeps."""

    started = models.IntegerField(default=0)
    running = models.IntegerField(default=0)
    suspended = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyCases(CaseCounts):
    """Cases per day, unit and power category: started that day (by their state now), and
    concluded that day (on time or late)."""

    day = models.DateField()
    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit_id", "category"], name="assessments_daily_cases_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.category}"


class MonthlyCases(CaseCounts):
    """The same counts as DailyCases per month (its first day), plus a row per month and unit
    for all categories together (category ALL_CATEGORIES): whole months of a period read these,
    a twelfth of the rows of the daily table, and a tenth again without a category filter."""

    month = models.DateField()
    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit_id", "category"], name="assessments_monthly_cases_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.category}"


class DailyAlarms(models.Model):
    """Red and yellow alarms raised per day, unit, kind and level."""

    day = models.DateField()
    unit_id = models.IntegerField()
    kind = models.CharField(max_length=32)
    level = models.CharField(max_length=8)
    raised = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit_id", "kind", "level"], name="assessments_daily_alarms_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.kind}"


class DailyFunds(models.Model):
    """Fund control per day and unit: payments made, contracts put under control, change
    orders blocked at the red lines and the money they would have added (integer fen)."""

    day = models.DateField()
    unit_id = models.IntegerField()
    payments = models.IntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)
    contracts = models.IntegerField(default=0)
    contracts_fen = models.BigIntegerField(default=0)
    blocked = models.IntegerField(default=0)
    saved_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "unit_id"], name="assessments_daily_funds_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"


GRADE_FIELDS = ("grade_1", "grade_2", "grade_3", "grade_4", "grade_5")


class GradeCounts(models.Model):
    """The rating counters a day's or a month's row keeps, a column per grade (1–5)."""

    grade_1 = models.IntegerField(default=0)
    grade_2 = models.IntegerField(default=0)
    grade_3 = models.IntegerField(default=0)
    grade_4 = models.IntegerField(default=0)
    grade_5 = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRatings(GradeCounts):
    """Counted service ratings per day, unit and power category, a column per grade (1–5)."""

    day = models.DateField()
    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit_id", "category"], name="assessments_daily_ratings_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.category}"


class MonthlyRatings(GradeCounts):
    """DailyRatings per month, with the ALL_CATEGORIES rows (derived from the daily rows)."""

    month = models.DateField()
    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit_id", "category"], name="assessments_monthly_ratings_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.category}"


class OpenCases(models.Model):
    """Cases open now per unit and category, and how many are suspended or overdue."""

    unit_id = models.IntegerField()
    category = models.CharField(max_length=16, blank=True)
    open = models.IntegerField(default=0)
    suspended = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "category"], name="assessments_open_key")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.category}"


class StepDays(models.Model):
    """How many steps of a definition version's node took so many working days (a histogram)."""

    definition_id = models.IntegerField()
    node_id = models.CharField(max_length=40)
    days = models.IntegerField()
    steps = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["definition_id", "node_id", "days"], name="assessments_step_days_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.node_id} {self.days}: {self.steps}"


class CaseDays(models.Model):
    """How many concluded cases of a definition version took so many working days in total."""

    definition_id = models.IntegerField()
    days = models.IntegerField()
    on_time = models.BooleanField()
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["definition_id", "days", "on_time"], name="assessments_case_days_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.days}: {self.cases}"
