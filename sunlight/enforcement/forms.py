"""Forms of the enforcement pages: capture (the plain upload without JavaScript), decision, devices."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.cases.forms import MoneyField
from sunlight.cases.models import Case
from sunlight.checkpoints.models import BenchmarkVersion
from sunlight.enforcement.models import Evidence, EvidenceKind
from sunlight.orgs.models import Organisation


class CaptureForm(forms.Form):
    """The capture page's form. With JavaScript the page sends the file through the resumable
    API instead; without it, this form posts the file and the server does the same steps."""

    case = forms.ChoiceField(label=gettext_lazy("Case"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Photo, video or recording"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,video/*,audio/*", "capture": "environment"}
        ),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"), max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"), max_digits=9, decimal_places=6, required=False
    )
    accuracy_m = forms.IntegerField(label=gettext_lazy("Accuracy (m)"), min_value=0, required=False)
    # Filled by the page's script when it can: the hash computed on the phone, and its clock.
    sha256 = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    device_time = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["case"]).choices = [
            (c.number, f"{c.number} {c.subject}") for c in cases
        ]


class DecisionForm(forms.Form):
    """The facts of the benchmark in force, the fine, and the evidence the decision relies on."""

    amount = MoneyField(
        label=gettext_lazy("Fine (yuan)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    justification = forms.CharField(
        label=gettext_lazy("Justification for a fine outside the range"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only when leaving the range: the head must approve it, and inspectors see it."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reasons of the decision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.MultipleChoiceField(
        label=gettext_lazy("Evidence relied on"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, version: BenchmarkVersion, evidence: list[Evidence], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        facts: dict[str, forms.Field] = {}
        for item in version.inputs:
            name, label = f"fact_{item['name']}", item["label"]
            if item["type"] == "bool":
                facts[name] = forms.BooleanField(label=label, required=False)
            elif item["type"] == "fen":
                facts[name] = MoneyField(label=label)
            else:
                facts[name] = forms.IntegerField(label=label, min_value=0)
        self.fields = {**facts, **self.fields}
        cast(forms.ChoiceField, self.fields["evidence"]).choices = [
            (str(e.pk), f"{e.get_kind_display()} #{e.pk} · {e.sha256[:16]}…") for e in evidence
        ]

    def facts(self) -> dict[str, Any]:
        return {item["name"]: self.cleaned_data.get(f"fact_{item['name']}") for item in self.version.inputs}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data.get("action") == "decide" and cleaned.get("amount") is None:
            self.add_error("amount", _("Enter the fine."))
        return cleaned


class DeviceForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Organisation.objects.none())
    code = forms.CharField(label=gettext_lazy("Device code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    holder = forms.CharField(
        label=gettext_lazy("Issued to (user name)"),
        max_length=32,
        required=False,
        help_text=gettext_lazy(
            "The officer the device is issued to; uploads name them unless they name another."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.units().order_by("sort")  # type: ignore[attr-defined]

    def clean_holder(self) -> Any:
        from sunlight.accounts.models import User

        username = (self.cleaned_data.get("holder") or "").strip()
        if not username:
            return None
        found = User.objects.filter(username=username, kind="person").first()
        if found is None:
            raise ValidationError(_("No person has the user name %(u)s.") % {"u": username})
        return found
