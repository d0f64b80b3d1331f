"""Fixed forms (表单固化): a step's form is built from its definition, field by field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.cases.models import ApplicantKind, Decision
from sunlight.lib.money import NotAnAmount, format_yuan, parse_yuan
from sunlight.processes.definition import FieldSpec, Node

ID_CARD = re.compile(r"^\d{17}[\dXx]$")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class MoneyField(forms.CharField):
    """An amount in yuan typed by a person, cleaned to integer fen."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_yuan(text)
        except NotAnAmount:
            raise ValidationError(_("Enter an amount in yuan, e.g. 1,234.56.")) from None

    def prepare_value(self, value: Any) -> Any:
        return format_yuan(value, unit=False) if isinstance(value, int) else value


def field_for(spec: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": spec.required}
    if spec.type in ("text", "textarea"):
        validators = (
            [
                RegexValidator(
                    spec.pattern, spec.pattern_message or _("This value is not in the required format.")
                )
            ]
            if spec.pattern
            else []
        )
        widget = forms.Textarea(attrs={"rows": 3}) if spec.type == "textarea" else forms.TextInput()
        return forms.CharField(
            max_length=spec.max_length or 2000, validators=validators, widget=widget, **common
        )
    if spec.type == "integer":
        return forms.IntegerField(min_value=spec.min, max_value=spec.max, **common)
    if spec.type == "money":
        return MoneyField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if spec.type == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—"), *spec.options], **common)
    if spec.type == "boolean":
        return forms.BooleanField(**common)
    raise ValueError(spec.type)


def plain_value(value: Any) -> Any:
    """Form values as stored in the case data and seen by conditions: JSON scalars only."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class StepForm(forms.Form):
    """The form of one step: its fixed fields, and the decision with reasons where it decides."""

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        for spec in node.form:
            self.fields[spec.name] = field_for(spec)
        if node.decision:
            self.fields["decision"] = forms.ChoiceField(
                label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
            )
            self.fields["reason"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
                help_text=_("Required for a refusal: the applicant is told why."),
            )
        else:
            self.fields["reason"] = forms.CharField(label=_("Remarks"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == Decision.REFUSE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A refusal must give its reasons (行政许可法 §38)."))
        return cleaned

    def values(self) -> dict[str, Any]:
        return {spec.name: plain_value(self.cleaned_data.get(spec.name)) for spec in self.node.form}


class StartCaseForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    applicant_kind = forms.ChoiceField(label=gettext_lazy("Applicant"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    applicant_id = forms.CharField(
        label=gettext_lazy("Identity card number or unified social credit code"),
        max_length=18,
    )
    applicant_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=11, required=False)
    acknowledge = forms.BooleanField(
        label=gettext_lazy("I have read the risk points and red lines of this power and their consequences."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = (cleaned.get("applicant_id") or "").strip().upper()
        kind = cleaned.get("applicant_kind")
        if number and kind == ApplicantKind.PERSON and not ID_CARD.match(number):
            self.add_error("applicant_id", _("A resident identity card number has 18 characters."))
        if number and kind == ApplicantKind.COMPANY and not CREDIT_CODE.match(number):
            self.add_error("applicant_id", _("A unified social credit code has 18 characters."))
        phone = (cleaned.get("applicant_phone") or "").strip()
        if phone and not re.match(r"^1[3-9]\d{9}$", phone):
            self.add_error("applicant_phone", _("A mobile phone number has 11 digits and starts with 1."))
        cleaned["applicant_id"] = number
        return cleaned
