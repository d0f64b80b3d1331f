"""The inspectors' supervision console (监督台), open only with the supervision key."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunlight.accounts.models import User
from sunlight.orgs import authority
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Delegation, Organisation, Role


@role_required(Role.SUPERVISION)
def console(request: HttpRequest) -> HttpResponse:
    unit_ids = authority.supervised_unit_ids(cast(User, request.user))
    units = Organisation.objects.units().within(unit_ids).order_by("sort", "code")
    delegations = (
        Delegation.objects.active()
        .select_related("post__organisation__unit", "grantor", "grantee")
        .order_by("ends_at")
    )
    if unit_ids is not None:
        delegations = delegations.filter(post__organisation__unit_id__in=unit_ids)
    return render(
        request,
        "supervision/console.html",
        {"units": units, "whole_district": unit_ids is None, "delegations": delegations[:200]},
    )
