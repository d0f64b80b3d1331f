"""Government-investment projects, their contracts, payment schedules, progress, payments and change orders.

Money is integer fen (BigIntegerField), shares are integer basis points (45.00% = 4500).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.funds.shares import format_bp
from sunlight.orgs.models import Organisation, Post

FULL_SHARE_BP = 10_000  # 100.00%


class FundRole(models.TextChoices):
    """What a post the unit designates does in fund control."""

    PROJECT_MANAGER = "project_manager", _("Project manager")
    SUPERVISOR = "supervisor", _("Supervising post (confirms progress)")
    CHANGE_APPROVER = "change_approver", _("Change-order approver")
    PAYMENT_APPROVER = "payment_approver", _("Payment approver")
    CASHIER = "cashier", _("Cashier (records payments)")


class FundPost(models.Model):
    """A post a unit designates for a role in fund control (资金管控岗位); approvers in steps."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=FundRole.choices)
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("post"))
    # Approvals run step 1, 2, …; any post designated at a step may give that step's approval.
    step = models.PositiveSmallIntegerField(_("step"), default=1)

    class Meta:
        verbose_name = _("fund control post")
        verbose_name_plural = _("fund control posts")
        ordering = ["unit__sort", "role", "step"]
        constraints = [models.UniqueConstraint(fields=["unit", "role", "post"], name="funds_fundpost_unique")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.step}: {self.post}"


class ProjectState(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    UNDER_CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")


class ProjectQuerySet(models.QuerySet["Project"]):
    def for_units(self, unit_ids: set[int] | None) -> ProjectQuerySet:
        return self if unit_ids is None else self.filter(unit_id__in=unit_ids)


class Project(models.Model):
    """A government-investment project (政府投资项目) of a unit."""

    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("unit")
    )
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    approval_reference = models.CharField(_("approval document number"), max_length=100)
    budget_fen = models.BigIntegerField(_("approved investment (fen)"))
    state = models.CharField(
        _("state"), max_length=16, choices=ProjectState.choices, default=ProjectState.PREPARING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["unit__sort", "code"]
        constraints = [models.CheckConstraint(condition=Q(budget_fen__gt=0), name="funds_project_budget")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ContractKind(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction")
    SUPERVISION = "supervision", _("Site supervision")
    DESIGN = "design", _("Design")
    PROCUREMENT = "procurement", _("Procurement")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Contract(models.Model):
    """A contract (合同) of a project between the unit and a contractor; active only once the
    integrity contract is signed by both parties."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("project")
    )
    code = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind.choices)
    counterparty = models.CharField(_("contractor (party B)"), max_length=200)
    counterparty_code = models.CharField(_("contractor's unified social credit code"), max_length=18)
    price_fen = models.BigIntegerField(_("contract price (fen)"))
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(
        _("state"), max_length=8, choices=ContractState.choices, default=ContractState.DRAFT
    )
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="funds_contract_price"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="funds_contract_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def unit(self) -> Organisation:
        return self.project.unit

    def approved_changes_fen(self) -> int:
        total = self.change_orders.filter(state=ChangeState.APPROVED).aggregate(s=Sum("amount_fen"))["s"]
        return int(total or 0)

    def paid_fen(self) -> int:
        return int(Payment.objects.filter(request__contract=self).aggregate(s=Sum("amount_fen"))["s"] or 0)

    def confirmed_progress_bp(self) -> int:
        latest = self.measurements.filter(state=MeasurementState.CONFIRMED).order_by("-progress_bp").first()
        return latest.progress_bp if latest else 0


class IntegrityContract(models.Model):
    """An integrity contract (廉洁合同, S27) between the unit and the contractor, kept with the project."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="integrity_contracts", verbose_name=_("project")
    )
    contract = models.OneToOneField(
        Contract, on_delete=models.PROTECT, related_name="integrity", verbose_name=_("contract")
    )
    document_number = models.CharField(_("document number"), max_length=64)
    owner_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_signed_at = models.DateTimeField(_("signed for the unit at"), null=True, blank=True)
    counterparty_signatory = models.CharField(_("signed for the contractor by"), max_length=50, blank=True)
    counterparty_signed_on = models.DateField(_("signed by the contractor on"), null=True, blank=True)
    counterparty_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("integrity contract")
        verbose_name_plural = _("integrity contracts")

    def __str__(self) -> str:
        return self.document_number

    @property
    def signed_by_both(self) -> bool:
        return self.owner_signed_at is not None and self.counterparty_signed_on is not None


class Milestone(models.Model):
    """A payment milestone (付款节点) of a contract's schedule: the earliest date and the highest
    cumulative share of the price that may be paid by then."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    earliest_on = models.DateField(_("earliest payment date"))
    max_share_bp = models.PositiveIntegerField(_("highest cumulative share (basis points)"))

    class Meta:
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="funds_milestone_number"),
            models.CheckConstraint(
                condition=Q(max_share_bp__lte=FULL_SHARE_BP), name="funds_milestone_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class MeasurementState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ProgressMeasurement(models.Model):
    """A progress measurement (工程计量): cumulative share of the work done, confirmed by the
    unit's supervising post."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="measurements")
    progress_bp = models.PositiveIntegerField(_("cumulative progress (basis points)"))
    measured_on = models.DateField(_("measured on"))
    description = models.TextField(_("description"))
    state = models.CharField(
        max_length=10, choices=MeasurementState.choices, default=MeasurementState.SUBMITTED
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("progress measurement")
        verbose_name_plural = _("progress measurements")
        ordering = ["contract", "-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress_bp__lte=FULL_SHARE_BP), name="funds_progress_share")
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {format_bp(self.progress_bp)}"


class RequestState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, awaiting payment")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    BLOCKED = "blocked", _("Blocked at a checkpoint")


LIVE_REQUEST_STATES = (RequestState.PENDING, RequestState.APPROVED, RequestState.PAID)


class PaymentRequest(models.Model):
    """A payment request (付款申请) against a milestone, checked at the fund-payment checkpoint."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payment_requests")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="+", verbose_name=_("milestone")
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    invoice_number = models.CharField(_("invoice number"), max_length=32)
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # The last checkpoint evaluation (rule versions, inputs, results), as written in the ledger.
    checkpoint = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["contract", "-requested_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="funds_request_amount")]
        indexes = [models.Index(fields=["contract", "state"], name="funds_request_state")]

    def __str__(self) -> str:
        return f"{self.contract.code} #{self.pk}"


class Payment(models.Model):
    """A payment (支付) made for an approved request, with the voucher number."""

    request = models.OneToOneField(PaymentRequest, on_delete=models.PROTECT, related_name="payment")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    paid_on = models.DateField(_("paid on"))
    voucher_number = models.CharField(_("voucher number"), max_length=32)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="funds_payment_amount")]

    def __str__(self) -> str:
        return self.voucher_number


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    BLOCKED = "blocked", _("Blocked at a red line")


LIVE_CHANGE_STATES = (ChangeState.PENDING, ChangeState.APPROVED)


class ChangeOrderQuerySet(models.QuerySet["ChangeOrder"]):
    def money_saved_fen(self) -> int:
        """What blocked change orders would have added to contract prices."""
        return int(self.filter(state=ChangeState.BLOCKED).aggregate(s=Sum("amount_fen"))["s"] or 0)


class ChangeOrder(models.Model):
    """A change order (变更签证, S19) adding to a contract's price; red lines at the design-change
    checkpoint, then approvals by the posts the unit designates."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="change_orders")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason for the change"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    state = models.CharField(max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    checkpoint = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ChangeOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="funds_change_number"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="funds_change_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code}-BG{self.number:02d}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class Approval(models.Model):
    """One approval opinion (审批意见) on a change order or a payment request, at a designated post."""

    change_order = models.ForeignKey(
        ChangeOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    payment_request = models.ForeignKey(
        PaymentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("post"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["step"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change_order__isnull=True, payment_request__isnull=False)
                | Q(change_order__isnull=False, payment_request__isnull=True),
                name="funds_approval_one_subject",
            ),
            # One opinion per step: two approvers racing for the same step cannot both count.
            models.UniqueConstraint(fields=["change_order", "step"], name="funds_approval_change_step"),
            models.UniqueConstraint(fields=["payment_request", "step"], name="funds_approval_payment_step"),
        ]

    def __str__(self) -> str:
        return f"{self.step}. {self.get_decision_display()} · {self.post}"
