"""Forms for rule authoring, dry runs, unit parameters, benchmark tables and penalty decisions.

Forms parse; the actions check. Amounts are typed in yuan and leave the form as integer fen.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sunlight.checkpoints.discretion import INPUT_TYPES, RowSpec
from sunlight.checkpoints.kinds import NodeKind, Severity
from sunlight.checkpoints.models import BenchmarkVersion, Grade
from sunlight.lib.money import NotAnAmount, parse_yuan
from sunlight.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YuanField(forms.CharField):
    """An amount typed in yuan ('500000.01', '1,234.5') that cleans to integer fen."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_yuan(text)
        except NotAnAmount as exc:
            raise ValidationError(
                _("Enter an amount in yuan with at most two decimals, e.g. 500000.00.")
            ) from exc


class ParamsField(forms.CharField):
    """Rule parameters as JSON: {"single_max_fen": 50000000}; whole numbers only."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "mono"})

    def to_python(self, value: Any) -> dict[str, int]:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return {}
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Line %(line)d, column %(column)d: %(error)s")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ) from exc
        if not isinstance(data, dict):
            raise ValidationError(
                _('Write the parameters as a JSON object, e.g. {"single_max_fen": 50000000}.')
            )
        return data  # the action checks names and that every value is a whole number


class RuleContentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expression = forms.CharField(
        label=_("Rule (CEL)"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono", "spellcheck": "false"}),
        help_text=_(
            "True lets the action pass, false stops it. Money in fen, shares in basis points (20% = 2000)."
        ),
    )
    message = forms.CharField(label=_("Message when it fails"), max_length=500)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    effective_until = forms.DateField(label=_("Effective until"), widget=DATE, required=False)
    params = ParamsField(label=_("Parameters (JSON)"), required=False)

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in self.fields if k not in ("code", "node_kind", "unit", "note")}


class RuleCreateForm(RuleContentForm):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. FUND-PROGRESS"))
    node_kind = forms.ChoiceField(label=_("Node"), choices=NodeKind.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit (empty: the whole district)"), queryset=Organisation.objects.units(), required=False
    )
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)

    field_order = ["code", "node_kind", "unit"]


class RuleReviseForm(RuleContentForm):
    note = forms.CharField(label=_("Reason for this version"), max_length=500)


class DryRunForm(forms.Form):
    expression = forms.CharField(
        label=_("Rule (CEL)"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"}),
    )
    sample = forms.CharField(
        label=_("Sample context (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono", "spellcheck": "false"}),
        help_text=_("Dates as YYYY-MM-DD; money in fen; no decimal numbers."),
    )


class ParameterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.units())
    name = forms.ChoiceField(label=_("Parameter"), choices=())
    value = forms.IntegerField(label=_("Value (fen, basis points, days or a count)"), min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class BenchmarkForm(forms.Form):
    violation = forms.CharField(label=_("Violation type"), max_length=200)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    effective_until = forms.DateField(label=_("Effective until"), widget=DATE, required=False)
    inputs = forms.CharField(
        label=_("Facts, one per line: name | type | label"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_("Types: int (a whole number), fen (money, entered in yuan), bool (yes/no)."),
    )
    note = forms.CharField(label=_("Reason for this version"), max_length=500, required=False)

    def clean_inputs(self) -> list[dict[str, str]]:
        items = []
        for number, line in enumerate(self.cleaned_data["inputs"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or parts[1] not in INPUT_TYPES:
                raise ValidationError(
                    _("Line %(number)d: write name | int, fen or bool | label.") % {"number": number}
                )
            items.append({"name": parts[0], "type": parts[1], "label": parts[2]})
        return items


class CreateBenchmarkForm(BenchmarkForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    unit = forms.ModelChoiceField(label=_("Enforcing unit"), queryset=Organisation.objects.units())

    field_order = ["code", "unit"]


class RowForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices], required=False)
    condition = forms.CharField(
        label=_("Condition (CEL over the facts)"),
        required=False,
        widget=forms.TextInput(attrs={"class": "mono"}),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500, required=False)
    penalty_min = YuanField(label=_("Lowest fine (yuan)"), required=False)
    penalty_max = YuanField(label=_("Highest fine (yuan)"), required=False)
    measures = forms.CharField(label=_("Other measures"), max_length=300, required=False)

    def spec(self) -> RowSpec | None:
        data = self.cleaned_data
        if not data.get("grade") and not data.get("condition"):
            return None  # an empty extra row
        return RowSpec(
            grade=data.get("grade") or "",
            condition=data.get("condition") or "",
            legal_basis=data.get("legal_basis") or "",
            penalty_min_fen=data.get("penalty_min") or 0,
            penalty_max_fen=data.get("penalty_max") or 0,
            measures=data.get("measures") or "",
        )


RowFormSet = forms.formset_factory(RowForm, extra=2)


def facts_form(version: BenchmarkVersion, data: Any = None) -> forms.Form:
    """A form with one field per fact of the benchmark version."""
    form = forms.Form(data)
    for item in version.inputs:
        if item["type"] == "bool":
            form.fields[item["name"]] = forms.BooleanField(label=item["label"], required=False)
        elif item["type"] == "fen":
            form.fields[item["name"]] = forms.CharField(label=f"{item['label']}（{_('yuan')}）")
        else:
            form.fields[item["name"]] = forms.IntegerField(label=item["label"])
    return form


class DecisionForm(forms.Form):
    case_reference = forms.CharField(label=_("Case number"), max_length=64)
    amount = YuanField(label=_("Fine decided (yuan)"))
    justification = forms.CharField(
        label=_("Justification (only when leaving the range; the head must approve it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve the deviation")), ("0", _("Refuse the deviation"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(label=_("Comment"), max_length=1000)
