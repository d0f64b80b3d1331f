"""Forms for ratings: the rater's, the monitoring centre's and the inspector's."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.portal.lookup import CaseCodeForm
from sunlight.ratings.actions import MAX_COMMENT
from sunlight.ratings.models import ContactKind, Grade


class RateForm(CaseCodeForm):
    grade = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Grade.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_COMMENT,
        help_text=_(
            "Required for a bad rating. Do not write your identity number or other personal data here."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=ContactKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        initial=timezone.localtime,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(forms.Form):
    measures = forms.CharField(label=_("What was put right"), widget=forms.Textarea(attrs={"rows": 4}))


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the rating is false"),
        help_text=_("For example: the rating is not about the service, or was given by someone else."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold: the rating is false and is not counted")),
            ("reject", _("Reject: the rating stands")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
