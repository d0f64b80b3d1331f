"""The power list (权力清单): power items, their versions and what each version holds.

A power item (权力事项) is an identity: a code and the unit that holds it. Everything it says
lives in a power version, drafted by the unit, reviewed by the discipline commission and then
published. A published version never changes again: the save() guards below refuse it, and
database triggers (migration 0002) refuse an UPDATE that goes around the models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation, Post


class PowerCategory(models.TextChoices):
    """The ten standard categories of administrative power, plus public services."""

    LICENSING = "licensing", _("Administrative licensing")
    PENALTY = "penalty", _("Administrative penalty")
    COERCION = "coercion", _("Administrative coercion")
    LEVY = "levy", _("Administrative levy")
    BENEFIT = "benefit", _("Administrative benefit payment")
    INSPECTION = "inspection", _("Administrative inspection")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    REWARD = "reward", _("Administrative reward")
    ADJUDICATION = "adjudication", _("Administrative adjudication")
    OTHER = "other", _("Other administrative power")
    PUBLIC_SERVICE = "public_service", _("Public service")


# The type segment of the local code scheme 主体-类型-序号 (e.g. CZJ-XK-0001).
CATEGORY_CODES: dict[str, str] = {
    PowerCategory.LICENSING: "XK",
    PowerCategory.PENALTY: "CF",
    PowerCategory.COERCION: "QZ",
    PowerCategory.LEVY: "ZS",
    PowerCategory.BENEFIT: "JF",
    PowerCategory.INSPECTION: "JC",
    PowerCategory.CONFIRMATION: "QR",
    PowerCategory.REWARD: "JL",
    PowerCategory.ADJUDICATION: "CJ",
    PowerCategory.OTHER: "QT",
    PowerCategory.PUBLIC_SERVICE: "GG",
}


class BodyNature(models.TextChoices):
    STATUTORY = "statutory", _("Statutory authority")
    AUTHORISED = "authorised", _("Organisation authorised by law")
    ENTRUSTED = "entrusted", _("Entrusted organisation")


class ExerciseLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWNSHIP = "township", _("Township or sub-district")
    BOTH = "both", _("District and township")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with findings")
    PUBLISHED = "published", _("Published")


# The transitions a version may take: (state, step) → new state. Editing keeps the state.
TRANSITIONS: dict[tuple[str, str], str] = {
    (VersionState.DRAFT, "submit"): VersionState.SUBMITTED,
    (VersionState.RETURNED, "submit"): VersionState.SUBMITTED,
    (VersionState.SUBMITTED, "return"): VersionState.RETURNED,
    (VersionState.SUBMITTED, "approve"): VersionState.PUBLISHED,
}
EDITABLE_STATES = (VersionState.DRAFT, VersionState.RETURNED)
OPEN_STATES = (VersionState.DRAFT, VersionState.SUBMITTED, VersionState.RETURNED)


class BasisKind(models.TextChoices):
    ESTABLISHING = "establishing", _("Establishing basis")
    IMPLEMENTING = "implementing", _("Implementing basis")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    ELECTRONIC = "electronic", _("Electronic")


class ResponsibilityStage(models.TextChoices):
    """The stages of exercising a power at which accountability clauses are written."""

    ACCEPTANCE = "acceptance", _("Acceptance")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")
    DELIVERY = "delivery", _("Delivery")
    SUPERVISION = "supervision", _("Supervision afterwards")
    OTHER = "other", _("Other")


class PublishedVersionImmutable(RuntimeError):
    """Raised when something tries to change a published version or one of its parts."""


class PowerItemQuerySet(models.QuerySet["PowerItem"]):
    def of_unit(self, unit_id: int) -> PowerItemQuerySet:
        return self.filter(unit_id=unit_id)


class PowerItem(models.Model):
    """A power item (权力事项): the code and unit that its versions describe."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="power_items", verbose_name=_("unit")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PowerItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("power item")
        verbose_name_plural = _("power items")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class PowerVersionQuerySet(models.QuerySet["PowerVersion"]):
    def published(self) -> PowerVersionQuerySet:
        return self.filter(state=VersionState.PUBLISHED)

    def open(self) -> PowerVersionQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def valid_on(self, day: dt.date) -> PowerVersionQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def as_of(self, day: dt.date) -> PowerVersionQuerySet:
        """The power list as it stood on `day`: per item, the published version in force.

        Of an item's published versions that had started by `day`, the one that started last
        decides (a later one replaces an earlier one); the item is listed if that version is
        still valid on `day` (a version with an end date abolishes the power after it).
        """
        later = PowerVersion.objects.filter(
            item=OuterRef("item"), state=VersionState.PUBLISHED, valid_from__lte=day
        ).filter(
            Q(valid_from__gt=OuterRef("valid_from"))
            | Q(valid_from=OuterRef("valid_from"), number__gt=OuterRef("number"))
        )
        return self.published().valid_on(day).exclude(Exists(later))

    def current(self) -> PowerVersionQuerySet:
        return self.as_of(timezone.localdate())

    def of_unit(self, unit_id: int) -> PowerVersionQuerySet:
        return self.filter(item__unit_id=unit_id)


class PowerVersion(models.Model):
    """A version of a power item (权力事项版本): what the power is, who exercises it, and how."""

    item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=PowerCategory.choices)
    implementing_body = models.CharField(_("implementing body"), max_length=100)
    body_nature = models.CharField(
        _("nature of the implementing body"), max_length=16, choices=BodyNature.choices
    )
    entrusting_body = models.CharField(_("entrusting body"), max_length=100, blank=True)
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible office"),
    )
    posts = models.ManyToManyField(Post, blank=True, related_name="+", verbose_name=_("responsible posts"))
    exercise_level = models.CharField(_("level of exercise"), max_length=16, choices=ExerciseLevel.choices)
    statutory_limit = models.PositiveSmallIntegerField(_("statutory time limit"), null=True, blank=True)
    statutory_limit_unit = models.CharField(
        _("unit of the statutory limit"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
    )
    committed_limit = models.PositiveSmallIntegerField(_("committed time limit"), null=True, blank=True)
    committed_limit_unit = models.CharField(
        _("unit of the committed limit"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
    )
    extension_rule = models.TextField(_("extension rule"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    result_document = models.CharField(_("result document"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    service_place = models.CharField(_("place of service"), max_length=200, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=100, blank=True)
    visits_needed = models.PositiveSmallIntegerField(_("visits needed"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Folded text the public search reads (code, names, unit, bases), set when published.
    search_text = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings = models.TextField(_("review findings"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = PowerVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("power version")
        verbose_name_plural = _("power versions")
        ordering = ["item__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="powers_version_number"),
            # One version at a time is being worked on; the published ones are history.
            models.UniqueConstraint(
                fields=["item"], condition=Q(state__in=OPEN_STATES), name="powers_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="powers_version_validity",
            ),
            # The actions say it in words; this stops a write that goes around them.
            models.CheckConstraint(
                condition=Q(committed_limit__isnull=True)
                | Q(statutory_limit__isnull=True)
                | ~Q(committed_limit_unit=models.F("statutory_limit_unit"))
                | Q(committed_limit__lte=models.F("statutory_limit")),
                name="powers_committed_within_statutory",
            ),
        ]
        indexes = [
            # as_of(): the published versions of an item by start date.
            models.Index(fields=["item", "state", "valid_from"], name="powers_version_validity_idx"),
            models.Index(fields=["state", "category"], name="powers_version_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and PowerVersion.objects.filter(pk=self.pk, state=VersionState.PUBLISHED).exists()
        ):
            raise PublishedVersionImmutable(f"{self} is published and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if PowerVersion.objects.filter(pk=self.pk, state=VersionState.PUBLISHED).exists():
            raise PublishedVersionImmutable(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == VersionState.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def code_type(self) -> str:
        return CATEGORY_CODES[self.category]


class VersionPart(models.Model):
    """A row that belongs to one power version and is frozen with it once published."""

    version: models.ForeignKey[PowerVersion, PowerVersion]
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        if PowerVersion.objects.filter(pk=self.version_id, state=VersionState.PUBLISHED).exists():  # type: ignore[attr-defined]
            raise PublishedVersionImmutable(f"{self.version} is published and cannot be changed")


class SubItem(VersionPart):
    """A sub-item (子项) of a power item, e.g. 取水许可（新办）."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="sub_items")
    name = models.CharField(_("name"), max_length=200)

    class Meta(VersionPart.Meta):
        verbose_name = _("sub-item")
        verbose_name_plural = _("sub-items")

    def __str__(self) -> str:
        return self.name


class LegalBasis(VersionPart):
    """A legal basis (设定依据 or 实施依据): law, article, its text and its effective dates."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="legal_bases")
    kind = models.CharField(_("kind"), max_length=16, choices=BasisKind.choices)
    law = models.CharField(_("law or regulation"), max_length=200)
    article = models.CharField(_("article"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return f"{self.law}{self.article}"


class SpecialProcedure(VersionPart):
    """A special procedure (特殊环节: hearing, expert review, inspection…) and its days."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="special_procedures")
    name = models.CharField(_("name"), max_length=100)
    max_days = models.PositiveSmallIntegerField(_("maximum days"))
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    counted_in_limit = models.BooleanField(_("counted in the time limit"), default=False)

    class Meta(VersionPart.Meta):
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")

    def __str__(self) -> str:
        return self.name


class Fee(VersionPart):
    """A fee (收费) charged for the power, in fen, with its standard and legal basis."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("name"), max_length=100)
    # Integer fen (sunlight.lib.money); None when the amount follows a standard (e.g. per m²).
    amount_fen = models.BigIntegerField(_("amount (fen)"), null=True, blank=True)
    standard = models.CharField(_("standard"), max_length=300, blank=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True) | Q(amount_fen__gte=0), name="powers_fee_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Material(VersionPart):
    """An application material (申请材料): its form, copies, whether required, a sample."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    required = models.BooleanField(_("required"), default=True)
    sample = models.FileField(_("sample file"), upload_to="powers/samples/", blank=True, max_length=200)

    class Meta(VersionPart.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name


class AccountabilityClause(VersionPart):
    """An accountability situation (追责情形) at one responsibility stage."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="accountability")
    stage = models.CharField(_("stage"), max_length=16, choices=ResponsibilityStage.choices)
    situation = models.TextField(_("situation"))

    class Meta(VersionPart.Meta):
        verbose_name = _("accountability clause")
        verbose_name_plural = _("accountability clauses")

    def __str__(self) -> str:
        return self.situation[:40]
