"""Forms of the site pages: sites, cameras, schedules (project managers) and the check-in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from sunlight.orgs.models import Post


class SiteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Site name"), max_length=100)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    latitude = forms.DecimalField(label=gettext_lazy("Latitude"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=gettext_lazy("Longitude"), max_digits=9, decimal_places=6)
    radius_m = forms.IntegerField(
        label=gettext_lazy("Check-in radius (m)"), initial=300, min_value=10, max_value=5000
    )


class CameraForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Camera name"), max_length=100)
    stream_url = forms.CharField(
        label=gettext_lazy("Stream address"),
        max_length=500,
        help_text=gettext_lazy("rtsp://…, or https://…/live.m3u8 for HLS that phones play"),
    )


class ScheduleForm(forms.Form):
    post = forms.ModelChoiceField(label=gettext_lazy("Inspecting post"), queryset=Post.objects.none())
    first_start = forms.DateTimeField(
        label=gettext_lazy("First window opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    window_hours = forms.IntegerField(
        label=gettext_lazy("Window (hours)"), initial=8, min_value=1, max_value=336
    )
    every_days = forms.IntegerField(
        label=gettext_lazy("Repeat every (days, 0 for once)"), initial=7, min_value=0, max_value=366
    )
    until = forms.DateField(
        label=gettext_lazy("Repeat until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("What to inspect"), max_length=200, required=False)

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    photo = forms.FileField(
        label=gettext_lazy("Photo of the site"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    latitude = forms.DecimalField(label=gettext_lazy("Latitude"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=gettext_lazy("Longitude"), max_digits=9, decimal_places=6)
    accuracy_m = forms.IntegerField(label=gettext_lazy("Accuracy (m)"), min_value=0, required=False)
    note = forms.CharField(
        label=gettext_lazy("Findings at the site"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Filled by the page's script: the photo's SHA-256 computed on the phone, and its time.
    sha256 = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    device_time = forms.DateTimeField(required=False, widget=forms.HiddenInput)
