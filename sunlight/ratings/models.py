"""Service ratings (好差评, S26): ratings, callbacks, rectifications, contacts and appeals."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.cases.models import Case, CaseState
from sunlight.orgs.models import Organisation, Post

# Cases the applicant may rate: concluded either way, or withdrawn (being talked into
# withdrawing an application is exactly what a rating must be able to say).
RATEABLE_STATES = (CaseState.APPROVED, CaseState.REFUSED, CaseState.WITHDRAWN)
MAX_ROUNDS = 2  # the first rating, and one re-rating after a bad one is rectified


class Grade(models.IntegerChoices):
    """The five grades of the national 好差评 scheme."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_GRADES = (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED)


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    KIOSK = "kiosk", _("Service hall kiosk")
    API = "api", _("API")


class RatingImmutable(Exception):
    """Ratings are never changed or deleted; a re-rating is a new row."""


class RatingQuerySet(models.QuerySet["Rating"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RatingImmutable("ratings cannot be changed")

    def delete(self) -> NoReturn:
        raise RatingImmutable("ratings cannot be deleted")

    def bad(self) -> RatingQuerySet:
        return self.filter(grade__in=BAD_GRADES)

    def of_units(self, unit_ids: set[int] | None) -> RatingQuerySet:
        return self if unit_ids is None else self.filter(unit_id__in=unit_ids)

    def counted(self) -> RatingQuerySet:
        """What the published satisfaction counts: each case's latest rating, false ones excepted."""
        return self.filter(superseded_by__isnull=True).exclude(appeal__state=AppealState.UPHELD)


class Rating(models.Model):
    """A service rating (好差评) of one concluded case by its applicant; never changed once given."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("case"))
    # The case's unit, copied so that a unit's ratings are one indexed equality.
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    # The rater's own words: shown to the unit's monitoring centre and inspectors, never published.
    comment = models.TextField(_("comment"), blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("rating it follows"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-rated_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="ratings_once_per_round"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=5), name="ratings_grade_1_5"),
            models.CheckConstraint(condition=Q(round__gte=1, round__lte=MAX_ROUNDS), name="ratings_rounds"),
        ]
        indexes = [models.Index(fields=["unit", "-rated_at"], name="ratings_unit_recent")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.round}: {self.grade}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RatingImmutable("ratings cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RatingImmutable("ratings cannot be deleted")

    @property
    def is_bad(self) -> bool:
        return self.grade in BAD_GRADES


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled (appeal upheld)")


class CallbackQuerySet(models.QuerySet["Callback"]):
    def open(self) -> CallbackQuerySet:
        return self.filter(state=TaskState.OPEN)

    def overdue(self, on: dt.date | None = None) -> CallbackQuerySet:
        return self.open().filter(due_date__lt=on or timezone.localdate())


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def open(self) -> RectificationQuerySet:
        return self.filter(state=TaskState.OPEN)

    def overdue(self, on: dt.date | None = None) -> RectificationQuerySet:
        return self.open().filter(due_date__lt=on or timezone.localdate())


class Callback(models.Model):
    """A callback (回访) to the rater of a bad rating, due the next working day."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="callback")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    due_date = models.DateField(_("due date"))
    due_provisional = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    contact = models.OneToOneField(
        "Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    # Set when the overdue alarm was raised: the timer claims each overdue task once.
    alarmed_at = models.DateTimeField(null=True, blank=True)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(
                fields=["due_date"],
                name="ratings_callback_due",
                condition=Q(state="open", alarmed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"callback {self.rating_id} by {self.due_date}"


class Rectification(models.Model):
    """A rectification (整改) of what a bad rating found, due in 15 working days."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    due_date = models.DateField(_("due date"))
    due_provisional = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    measures = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alarmed_at = models.DateTimeField(null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [
            models.Index(
                fields=["due_date"],
                name="ratings_rectif_due",
                condition=Q(state="open", alarmed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"rectification {self.rating_id} by {self.due_date}"


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Text message")
    OTHER = "other", _("Other")


class Contact(models.Model):
    """A contact (联系记录) the unit made with a rater after the rating: every one is recorded."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    note = models.TextField(_("what was said"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("contact with the rater")
        verbose_name_plural = _("contacts with raters")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed, awaiting the commission")
    UPHELD = "upheld", _("Upheld: the rating is not counted")
    REJECTED = "rejected", _("Rejected: the rating stands")


class Appeal(models.Model):
    """An appeal (申诉) by a unit against a bad rating it holds false; the commission decides."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    reason = models.TextField(_("grounds"))
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.FILED
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)

    class Meta:
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")
        ordering = ["filed_at"]
        indexes = [models.Index(fields=["state", "filed_at"], name="ratings_appeal_state")]

    def __str__(self) -> str:
        return f"appeal {self.rating_id}: {self.state}"
