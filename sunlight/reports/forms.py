"""Forms for reports: the reporter's and the inspectors'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation
from sunlight.reports.actions import MAX_MESSAGE, MAX_TEXT
from sunlight.reports.models import Finding, SubjectKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class ReportForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label=_("What is the report about?"), choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    unit = forms.ModelChoiceField(
        label=_("Unit concerned"),
        queryset=Organisation.objects.units().active().order_by("sort", "code"),
        empty_label=_("Choose the unit"),
    )
    person = forms.CharField(
        label=_("Member of staff concerned"),
        required=False,
        max_length=200,
        help_text=_("Name, post or description. Needed when the report is about a member of staff."),
    )
    case_number = forms.CharField(
        label=_("Case number"), required=False, max_length=32, help_text=_("When the report is about a case.")
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "When, where, who, what; how you know it. Inspectors may ask you questions through your receipt code."
        ),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Up to 5 files of 10 MB each. Photos can record where and with which device they were taken: "
            "remove that first if you want to stay anonymous."
        ),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=100,
        help_text=_(
            "Leave empty to report anonymously. If you give it, only the inspectors assigned can read it."
        ),
    )
    contact = forms.CharField(label=_("Your phone or e-mail (optional)"), required=False, max_length=100)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 5})
    )


class AssignForm(forms.Form):
    inspectors = forms.MultipleChoiceField(label=_("Inspectors"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["inspectors"]).choices = choices


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the reporter"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 4})
    )


class DeclineForm(forms.Form):
    reply = forms.CharField(
        label=_("Why the report is not accepted (sent to the reporter)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConcludeForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices, widget=forms.RadioSelect)
    verification = forms.CharField(
        label=_("How it was verified and what was found"), widget=forms.Textarea(attrs={"rows": 5})
    )
    reply = forms.CharField(label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 4}))
