"""Forms of the risk register and control plans. They parse; the rules are in content.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation, Post
from sunlight.powers.models import PowerItem
from sunlight.risks.content import MeasureData, Prompt, RiskPointData
from sunlight.risks.models import (
    FindingKind,
    MeasureKind,
    MeasureStatus,
    PromptKind,
    ReviewCadence,
    RiskDomain,
    RiskKind,
    RiskLevel,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class RiskPointForm(forms.Form):
    power = forms.ModelChoiceField(
        label=_("Power item"), queryset=PowerItem.objects.none(), required=False, to_field_name="code"
    )
    step = forms.CharField(
        label=_("Step"), max_length=50, required=False, help_text=_("e.g. 受理, 审查, 决定")
    )
    post = forms.ModelChoiceField(
        label=_("Post"), queryset=Post.objects.none(), required=False, to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RiskKind.choices, initial=RiskKind.RISK_POINT)
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)
    domains = forms.MultipleChoiceField(
        label=_("Power over"),
        choices=RiskDomain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Funds, procurement, projects and major matters (三重一大) are graded high."),
    )
    description = forms.CharField(label=_("Description"), widget=TEXT)
    red_line = forms.CharField(label=_("Red line"), widget=TEXT, required=False)
    consequence = forms.CharField(label=_("Consequence of crossing it"), widget=TEXT, required=False)
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True)

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["power"].queryset = PowerItem.objects.filter(unit=unit).order_by("code")  # type: ignore[attr-defined]
        posts = Post.objects.filter(organisation__unit=unit).select_related("organisation")
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]

    def data_of(self) -> RiskPointData:
        c = self.cleaned_data
        return RiskPointData(
            description=c["description"],
            kind=c["kind"],
            level=c["level"],
            power=c["power"].code if c["power"] else "",
            step=c["step"],
            post=c["post"].code if c["post"] else "",
            domains=tuple(c["domains"]),
            red_line=c["red_line"],
            consequence=c["consequence"],
            is_public=c["is_public"],
        )


class PromptForm(forms.Form):
    prompt = forms.ChoiceField(
        label=_("What prompted this revision"), choices=PromptKind.choices, initial=PromptKind.SELF_CHECK
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("The complaint's number, the alarm, the case…"),
    )
    source = forms.CharField(
        label=_("Source record"), max_length=100, required=False, help_text=_("e.g. alarms.alarm:42")
    )
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def prompt_of(self) -> Prompt:
        c = self.cleaned_data
        return Prompt(kind=c["prompt"], source=c["source"].strip(), reference=c["reference"], note=c["note"])


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("Measure"), widget=TEXT)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    owner = forms.ModelChoiceField(label=_("Owner post"), queryset=Post.objects.none(), to_field_name="code")
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=TEXT, required=False)
    cadence = forms.ChoiceField(
        label=_("Review cadence"), choices=ReviewCadence.choices, initial=ReviewCadence.QUARTERLY
    )
    next_review = forms.DateField(label=_("Next review"), widget=DATE, required=False)

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = Post.objects.filter(organisation__unit=unit).select_related("organisation")
        self.fields["owner"].queryset = posts  # type: ignore[attr-defined]

    def data_of(self) -> MeasureData:
        c = self.cleaned_data
        return MeasureData(
            description=c["description"],
            kind=c["kind"],
            owner=c["owner"].code,
            due_date=c["due_date"],
            status=c["status"],
            evidence=c["evidence"],
            cadence=c["cadence"],
            next_review=c["next_review"],
        )


class ReviewMeasureForm(forms.Form):
    note = forms.CharField(label=_("What the review found"), max_length=2000)
    effective = forms.BooleanField(label=_("The measure works"), required=False, initial=True)


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    power = forms.CharField(label=_("Power code"), max_length=32, required=False)
    post = forms.CharField(label=_("Post code"), max_length=32, required=False)
    risk_point = forms.CharField(label=_("Risk point code"), max_length=32, required=False)


FindingFormSet = formset_factory(FindingForm, extra=3)
