"""Sign-in, the second factor (the supervision key) and the account page."""

from __future__ import annotations

import base64
from typing import cast

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunlight.accounts import actions
from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.lib.clients import client_address
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.authority import needs_second_factor


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("home")


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    device = _confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(reverse("accounts:enrol") + "?" + request.GET.urlencode())
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the current code."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return cast(str, image.to_string(encoding="unicode"))


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    # Replacing an existing key needs that key first; otherwise a stolen password would be
    # enough to take over the supervision key.
    if _confirmed_device(user) is not None and not is_verified(request):
        return HttpResponseRedirect(reverse("accounts:second_factor") + "?" + request.GET.urlencode())
    actor = Actor.from_request(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = actions.start_totp_enrolment(actor, user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_device(actor, device, form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Your supervision key is set up."))
            return redirect(_next_url(request))
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try the current code.")
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(
            Actor.from_request(request), user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "device": _confirmed_device(user),
            "verified": is_verified(request),
            "key_required": needs_second_factor(request_roles(request)),
        },
    )


def client_ip(request: HttpRequest) -> str:
    """The client address for lockouts: the socket peer, or behind trusted proxies the address
    they saw (sunlight.lib.clients); a client cannot pick its own."""
    return client_address(request)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    from django.conf import settings

    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
