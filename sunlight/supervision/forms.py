"""Forms for patrols, spot checks, self-checks and the reconciliation uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation
from sunlight.supervision.models import CheckResult, Severity

MAX_UPLOAD = 20 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"


def _units(unit_ids: set[int] | None) -> Any:
    units = Organisation.objects.units().active().order_by("sort", "code")
    return units if unit_ids is None else units.filter(pk__in=unit_ids)


class PatrolForm(forms.Form):
    scope = forms.CharField(label=_("What is patrolled"), max_length=200)
    unit = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Unit"),
        empty_label=_("All units supervised"),
    )

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(unit_ids)  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Unit"))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=32)
    description = forms.CharField(
        label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(unit_ids)  # type: ignore[attr-defined]
        self.fields["severity"].help_text = _("A violation raises an alarm the unit must explain.")


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class SpotCheckForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Unit"))
    period_from = forms.DateField(label=_("Cases started from"), widget=DateInput)
    period_until = forms.DateField(label=_("Until"), widget=DateInput)
    size = forms.IntegerField(label=_("Cases to draw"), min_value=1, max_value=200, initial=5)
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for a random seed; it is recorded so that anyone can redo the draw."),
    )

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(unit_ids)  # type: ignore[attr-defined]


class CheckItemForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (CheckResult.COMPLIANT, CheckResult.COMPLIANT.label),
            (CheckResult.PROBLEM, CheckResult.PROBLEM.label),
        ],
    )
    finding = forms.CharField(
        label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    raise_alarm = forms.BooleanField(label=_("Raise an alarm for the problem"), required=False)


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SelfCheckForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2016, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=[(q, q) for q in range(1, 5)], coerce=int)
    findings = forms.CharField(
        label=_("Problems found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    measures = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ArchiveForm(UploadForm):
    period_from = forms.DateField(label=_("Cases started from"), widget=DateInput)
    period_until = forms.DateField(label=_("Until"), widget=DateInput)

    field_order = ["period_from", "period_until", "file"]
