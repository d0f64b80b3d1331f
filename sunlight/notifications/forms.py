"""The form for a notice from the commission to units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    units = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("To the units"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Their heads and monitoring centres receive the notice."),
    )

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Organisation.objects.units().active().order_by("sort", "code")
        if unit_ids is not None:
            units = units.filter(pk__in=unit_ids)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
