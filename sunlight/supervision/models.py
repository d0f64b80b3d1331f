"""Supervision records (S15, S23, S24): online patrols, business spot checks, the units'
quarterly self-checks, and the monitoring centres' reconciliations of vouchers and archives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation


class Patrol(models.Model):
    """An online patrol (网上巡查): an inspector looks through a unit's work in the system."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit patrolled"),
        help_text=_("Leave empty for the whole jurisdiction."),
    )
    scope = models.CharField(_("what is patrolled"), max_length=200)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("online patrol")
        verbose_name_plural = _("online patrols")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.scope


class Severity(models.TextChoices):
    NOTE = "note", _("Note")
    CONCERN = "concern", _("Concern")
    VIOLATION = "violation", _("Violation")


class PatrolFinding(models.Model):
    """A finding of a patrol (巡查发现), optionally about a case; a violation raises an alarm."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("finding"))
    alarm = models.ForeignKey(
        "alarms.Alarm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alarm"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.description[:50]


class SpotCheck(models.Model):
    """A business spot check (业务抽查): cases of a unit and period drawn by a recorded seed.

    The draw is `random.Random(seed).sample(ids, size)` over the ids of the unit's cases started
    in the period, in ascending order: anyone can redo it from the seed and the population's
    digest and obtain the same cases.
    """

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    period_from = models.DateField(_("cases started from"))
    period_until = models.DateField(_("until"))
    size = models.PositiveSmallIntegerField(_("cases to draw"))
    seed = models.BigIntegerField(_("seed"))
    population = models.PositiveIntegerField(_("cases in the period"))
    population_digest = models.CharField(max_length=64)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_from}–{self.period_until}"


class CheckResult(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    COMPLIANT = "compliant", _("Compliant")
    PROBLEM = "problem", _("Problem found")


class SpotCheckItem(models.Model):
    """One drawn case of a spot check and what its check found."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(
        _("result"), max_length=10, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    finding = models.TextField(_("finding"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("checked case")
        verbose_name_plural = _("checked cases")
        ordering = ["spot_check", "position"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "case"], name="supervision_spot_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check_id}#{self.position}"


class SelfCheck(models.Model):
    """A unit's quarterly self-check (季度自查), submitted by its monitoring centre."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    figures = models.JSONField(_("figures of the quarter"), default=dict)
    findings = models.TextField(_("problems found"))
    measures = models.TextField(_("measures taken"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quarterly self-check")
        verbose_name_plural = _("quarterly self-checks")
        ordering = ["-year", "-quarter", "unit__sort"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="supervision_selfcheck_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}Q{self.quarter}"


class VoucherImport(models.Model):
    """A voucher list from the finance system (财务凭证清单) reconciled against the payments."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    rows = models.PositiveIntegerField(_("vouchers"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("not in the system"), default=0)
    amount_differs = models.PositiveIntegerField(_("amount differs"), default=0)
    # Payments the system recorded in the list's date range that the list does not contain.
    missing_from_list = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("voucher reconciliation")
        verbose_name_plural = _("voucher reconciliations")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.file_name}"


class VoucherStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    MATCHED_BY_DETAILS = "matched_details", _("Matched by contract, date and amount")
    AMOUNT_DIFFERS = "amount_differs", _("Voucher number found, amount differs")
    UNMATCHED = "unmatched", _("Not in the system (off-system)")


class Voucher(models.Model):
    """One voucher (凭证) of an imported list and what it matched."""

    voucher_import = models.ForeignKey(VoucherImport, on_delete=models.CASCADE, related_name="vouchers")
    row = models.PositiveIntegerField()
    number = models.CharField(_("voucher number"), max_length=32)
    date = models.DateField(_("date"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    payee = models.CharField(_("payee"), max_length=200)
    reference = models.CharField(_("project or contract number"), max_length=64, blank=True)
    status = models.CharField(_("result"), max_length=16, choices=VoucherStatus.choices)
    payment = models.ForeignKey(
        "funds.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alarm = models.ForeignKey(
        "alarms.Alarm", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["voucher_import", "row"]

    def __str__(self) -> str:
        return self.number


class ArchiveCheck(models.Model):
    """A comparison of the paper archive register (纸质档案) with the electronic cases of a period."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    period_from = models.DateField(_("cases started from"))
    period_until = models.DateField(_("until"))
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    register_count = models.PositiveIntegerField(_("paper archives"))
    electronic_count = models.PositiveIntegerField(_("electronic cases"))
    # Case numbers in the register but not in the system, and in the system but not in the register.
    paper_only = models.JSONField(default=list, blank=True)
    electronic_only = models.JSONField(default=list, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("archive comparison")
        verbose_name_plural = _("archive comparisons")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_from}–{self.period_until}"
