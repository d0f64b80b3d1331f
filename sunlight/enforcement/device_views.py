"""Administrators register and retire enforcement devices; a new device's token is shown once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.enforcement import devices
from sunlight.enforcement.forms import DeviceForm
from sunlight.enforcement.models import Device
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role


@role_required(Role.ADMINISTRATION)
@require_http_methods(["GET", "POST"])
def device_list(request: HttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None)
    token = ""
    registered = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered, token = devices.register_device(
                Actor.from_request(request),
                unit=data["unit"],
                code=data["code"],
                name=data["name"],
                holder=data["holder"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            form = DeviceForm()
    return render(
        request,
        "enforcement/devices.html",
        {
            "devices": Device.objects.select_related("unit", "holder", "account").order_by(
                "unit__sort", "code"
            ),
            "form": form,
            "registered": registered,
            "token": token,
        },
    )


@role_required(Role.ADMINISTRATION)
@require_POST
def device_retire(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device, pk=pk, active=True)
    try:
        devices.retire_device(Actor.from_request(request), device, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The device is retired and its token revoked."))
    return redirect("enforcement:devices")
