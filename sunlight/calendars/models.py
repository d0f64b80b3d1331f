"""The working-day calendar: yearly holiday arrangements (年度节假日安排) and their days."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Years an administrator may enter an arrangement for.
FIRST_YEAR = 2000
LAST_YEAR = 2100


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    MAKEUP_WORKDAY = "makeup", _("Make-up workday")


class YearStatus(models.TextChoices):
    """Where a year's working days come from."""

    LOADED = "loaded", _("Loaded (entered by an administrator)")
    DEFAULT = "default", _("Default (chinese-calendar package)")
    FALLBACK = "fallback", _("Missing: weekends only, provisional")


class ArrangementQuerySet(models.QuerySet["HolidayArrangement"]):
    def for_year(self, year: int) -> ArrangementQuerySet:
        return self.filter(year=year)


class HolidayArrangement(models.Model):
    """A year's holiday arrangement (年度节假日安排), as the State Council's notice publishes it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # Counts the saves: 1 when entered, +1 for every edit.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    changed_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="calendars_arrangement_year_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.source}"


class ArrangementDayQuerySet(models.QuerySet["ArrangementDay"]):
    def holidays(self) -> ArrangementDayQuerySet:
        return self.filter(kind=DayKind.HOLIDAY)

    def makeup_workdays(self) -> ArrangementDayQuerySet:
        return self.filter(kind=DayKind.MAKEUP_WORKDAY)


class ArrangementDay(models.Model):
    """A day of an arrangement: a holiday (放假) or a make-up workday (调休上班)."""

    arrangement = models.ForeignKey(
        HolidayArrangement, on_delete=models.CASCADE, related_name="days", verbose_name=_("arrangement")
    )
    # Unique: a date belongs to one year's arrangement and is either a holiday or a make-up day.
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    objects = ArrangementDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrangement day")
        verbose_name_plural = _("arrangement days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


class CalendarRevision(models.Model):
    """The calendar's revision (日历版本): one row whose token changes with every saved arrangement.

    Every process caches the calendar in memory and compares this token at most every few
    seconds (`workdays.RECHECK_SECONDS`) to learn that another process changed it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return self.token


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5
