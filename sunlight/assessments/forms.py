"""Forms of the assessment pages; the actions check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sunlight.assessments import scoring
from sunlight.assessments.actions import RuleData
from sunlight.assessments.models import (
    DEFAULT_RULES,
    DEFAULT_THRESHOLDS,
    MEASURE_OF,
    Indicator,
    Measure,
    Scheme,
)

HINTS = {
    Measure.BASIS_POINTS: _("per cent, e.g. 95 or 97.5"),
    Measure.HUNDREDTHS: _("e.g. 20 for twenty per 100 cases"),
    Measure.COUNT: _("a count"),
}


class SchemeForm(forms.Form):
    """Weights and points per indicator, typed as people read them (per cent, counts)."""

    excellent_from = forms.IntegerField(label=_("Excellent from (points)"), min_value=1, max_value=100)
    good_from = forms.IntegerField(label=_("Good from (points)"), min_value=1, max_value=100)
    pass_from = forms.IntegerField(label=_("Pass from (points)"), min_value=1, max_value=100)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args: Any, scheme: Scheme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = (
            {r.indicator: (r.weight, r.zero_point, r.full_point) for r in scheme.rules.all()}
            if scheme
            else {}
        )
        thresholds = (
            (scheme.excellent_from, scheme.good_from, scheme.pass_from) if scheme else DEFAULT_THRESHOLDS
        )
        for name, value in zip(("excellent_from", "good_from", "pass_from"), thresholds, strict=True):
            self.fields[name].initial = value
        for indicator in Indicator:
            weight, zero, full = rules.get(indicator.value, DEFAULT_RULES[indicator.value])
            measure = MEASURE_OF[indicator.value]
            self.fields[f"{indicator.value}_weight"] = forms.IntegerField(
                label=_("Weight"), min_value=0, max_value=100, initial=weight
            )
            self.fields[f"{indicator.value}_zero_point"] = forms.CharField(
                label=_("Zero points at"),
                initial=scoring.display_measure(zero, measure),
                help_text=HINTS[measure],
            )
            self.fields[f"{indicator.value}_full_point"] = forms.CharField(
                label=_("Full points at"),
                initial=scoring.display_measure(full, measure),
                help_text=HINTS[measure],
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "indicator": indicator,
                "weight": self[f"{indicator.value}_weight"],
                "zero": self[f"{indicator.value}_zero_point"],
                "full": self[f"{indicator.value}_full_point"],
            }
            for indicator in Indicator
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for indicator in Indicator.values:
            measure = MEASURE_OF[indicator]
            for part in ("zero_point", "full_point"):
                name = f"{indicator}_{part}"
                if name in data:
                    try:
                        data[name] = scoring.parse_measure(str(data[name]), measure)
                    except ValueError:
                        self.add_error(
                            name, _("Not a number in this indicator's measure (at most two decimals).")
                        )
        return data

    def rules(self) -> dict[str, RuleData]:
        data = self.cleaned_data
        return {
            i: RuleData(data[f"{i}_weight"], data[f"{i}_zero_point"], data[f"{i}_full_point"])
            for i in Indicator.values
        }

    def thresholds(self) -> tuple[int, int, int]:
        data = self.cleaned_data
        return data["excellent_from"], data["good_from"], data["pass_from"]


class ManualItemForm(forms.Form):
    points = forms.CharField(
        label=_("Points"), max_length=8, help_text=_("Positive to add, negative to deduct, e.g. -3 or 1.5.")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_points(self) -> int:
        try:
            return scoring.parse_centi(self.cleaned_data["points"])
        except ValueError as exc:
            raise forms.ValidationError(_("Give a number of points, with at most two decimals.")) from exc


class LetterForm(forms.Form):
    text = forms.CharField(label=_("Letter"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False, max_length=1000)
