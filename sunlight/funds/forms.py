"""Forms for projects, contracts, schedules, progress, payments and change orders.

Amounts are typed in yuan and shares in percent; both leave the form as integers (fen, basis
points). The actions check the rules and attach their errors back here field by field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sunlight.checkpoints.forms import DATE, YuanField
from sunlight.funds.models import Contract, ContractKind, FundRole, Milestone
from sunlight.funds.shares import NotAShare, parse_percent
from sunlight.orgs.models import Organisation, Post


class PercentField(forms.CharField):
    """A share typed in percent ('45', '45.50') that cleans to integer basis points."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_percent(text)
        except NotAShare as exc:
            raise ValidationError(_("Enter a percentage from 0 to 100 with at most two decimals.")) from exc


class ProjectForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    code = forms.CharField(label=_("Project code"), max_length=40, help_text=_("e.g. SWJ-XM-2026-001"))
    name = forms.CharField(label=_("Name"), max_length=200)
    approval_reference = forms.CharField(label=_("Approval document number"), max_length=100)
    budget_fen = YuanField(label=_("Approved investment (yuan)"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ContractForm(forms.Form):
    code = forms.CharField(label=_("Contract number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContractKind.choices)
    counterparty = forms.CharField(label=_("Contractor (party B)"), max_length=200)
    counterparty_code = forms.CharField(label=_("Contractor's unified social credit code"), max_length=18)
    price_fen = YuanField(label=_("Contract price (yuan)"))
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    integrity_number = forms.CharField(label=_("Integrity contract number"), max_length=64)


class SignatureForm(forms.Form):
    signatory = forms.CharField(label=_("Signed for the contractor by"), max_length=50)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=100)
    earliest_on = forms.DateField(label=_("Earliest payment date"), widget=DATE)
    max_share_bp = PercentField(label=_("Highest cumulative share of the price (%)"))


class ProgressForm(forms.Form):
    progress_bp = PercentField(label=_("Cumulative progress (%)"))
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    description = forms.CharField(label=_("Work measured"), widget=forms.Textarea(attrs={"rows": 2}))


class PaymentRequestForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    amount_fen = YuanField(label=_("Amount (yuan)"))
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=32)

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = contract.milestones.all()  # type: ignore[attr-defined]


class ChangeOrderForm(forms.Form):
    title = forms.CharField(label=_("Change"), max_length=200)
    amount_fen = YuanField(label=_("Amount added (yuan)"))
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class PayForm(forms.Form):
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=32)


class DesignationForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=FundRole.choices)
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    step = forms.IntegerField(
        label=_("Approval step"),
        min_value=1,
        initial=1,
        help_text=_("Approvers act in step order; 1 for other roles."),
    )

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = (  # type: ignore[attr-defined]
            Post.objects.active()
            .filter(organisation__unit=unit)
            .select_related("organisation")
            .order_by("code")
        )
