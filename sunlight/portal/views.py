"""The public portal (门户): what citizens and companies see without signing in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sunlight.orgs.access import request_roles
from sunlight.orgs.models import Organisation, OrgKind, Role

# Where each role lands after sign-in, in order of preference.
LANDING = (
    (Role.WORKBENCH, "orgs:workbench"),
    (Role.MONITORING, "orgs:monitoring"),
    (Role.SUPERVISION, "supervision:console"),
    (Role.ADMINISTRATION, "orgs:manage"),
)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        roles = request_roles(request)
        for role, url_name in LANDING:
            if role in roles:
                return redirect(url_name)
        return redirect("accounts:security")
    units = Organisation.objects.units().active().order_by("sort", "code")
    return render(
        request,
        "portal/home.html",
        {
            "departments": [u for u in units if u.kind in (OrgKind.DEPARTMENT, OrgKind.COMMISSION)],
            "townships": [u for u in units if u.kind in (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT)],
        },
    )
