"""Forms for organisations, posts, people, assignments and delegations.

Forms only parse and present; the rules live in the actions, whose ValidationErrors the views
attach back to these forms field by field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.accounts.models import User
from sunlight.orgs.models import CodeScheme, Organisation, OrgKind, Post, PostKind


class OrganisationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    code_scheme = forms.ChoiceField(label=_("Code scheme"), choices=CodeScheme.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent"), queryset=Organisation.objects.exclude(kind=OrgKind.OFFICE), required=False
    )
    abbr = forms.CharField(label=_("Abbreviation"), max_length=8, required=False)
    sort = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


class PostForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.active())
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    jurisdiction = forms.ModelMultipleChoiceField(
        label=_("Jurisdiction (inspector posts; empty = whole district)"),
        queryset=Organisation.objects.units(),
        required=False,
    )


class PersonForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=32)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to create the person without sign-in."),
    )


class AssignmentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.filter(is_active=True))
    post = forms.ModelChoiceField(
        label=_("Post"), queryset=Post.objects.active().select_related("organisation")
    )
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class DelegationForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Post whose authority is delegated"), queryset=Post.objects.none())
    grantee = forms.ModelChoiceField(label=_("Delegated to"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args: object, unit_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        posts = Post.objects.active().filter(organisation__unit_id=unit_id).select_related("organisation")
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        self.fields["grantee"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, assignments__post__organisation__unit_id=unit_id)
            .distinct()
            .order_by("username")
        )
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", now)
            self.initial.setdefault("ends_at", now + dt.timedelta(days=7))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=1000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
