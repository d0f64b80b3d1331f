"""The public portal (门户): what citizens and companies see without signing in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from sunlight.orgs.access import request_roles
from sunlight.orgs.models import Organisation, OrgKind, Role
from sunlight.portal.kiosk import page_context

# Where each role lands after sign-in, in order of preference.
LANDING = (
    (Role.WORKBENCH, "orgs:workbench"),
    (Role.MONITORING, "orgs:monitoring"),
    (Role.SUPERVISION, "supervision:console"),
    (Role.ADMINISTRATION, "orgs:manage"),
)


def _url(name: str) -> str:
    """A page of another app, or "" while that app does not serve it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


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
            "powers_url": _url("powers:index"),
        },
    )


def services(request: HttpRequest) -> HttpResponse:
    """The citizens' services in one place, for signed-in staff too (home redirects them)."""
    return render(request, "portal/services.html", {"powers_url": _url("powers:index")})


@never_cache
def kiosk_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/kiosk/home.html", page_context(kiosk=True))
