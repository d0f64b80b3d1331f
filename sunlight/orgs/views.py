"""Pages for staff: the workbench, the unit monitoring centre and delegations."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs import actions, authority, rules
from sunlight.orgs.access import role_required
from sunlight.orgs.forms import DelegationForm, RevokeForm
from sunlight.orgs.models import (
    LEADER_POST_KINDS,
    Assignment,
    Delegation,
    Organisation,
    Post,
    Role,
)


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


@role_required(Role.WORKBENCH)
def workbench(request: HttpRequest) -> HttpResponse:
    """The person's posts and delegations, and the case steps waiting at them."""
    from sunlight.cases.queries import worklist

    person = _person(request)
    return render(
        request,
        "orgs/workbench.html",
        {
            "assignments": authority.current_assignments(person),
            "delegations": authority.active_delegations(person),
            "work": worklist(person),
        },
    )


def _led_unit_ids(person: User) -> set[int]:
    return {
        a.post.organisation.unit_id
        for a in authority.current_assignments(person)
        if a.post.kind in LEADER_POST_KINDS and a.post.organisation.unit_id is not None
    }


@role_required(Role.WORKBENCH)
def delegations(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    led = _led_unit_ids(person)
    related = Delegation.objects.select_related("post__organisation", "grantor", "grantee", "revoked_by")
    return render(
        request,
        "orgs/delegations.html",
        {
            "received": related.filter(grantee=person)[:50],
            "granted": related.filter(grantor=person)[:50],
            "unit_delegations": related.filter(post__organisation__unit_id__in=led).exclude(grantor=person)[
                :100
            ],
            "led_units": Organisation.objects.filter(pk__in=led),
            "now": timezone.now(),
        },
    )


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def grant_delegation(request: HttpRequest, unit_id: int) -> HttpResponse:
    person = _person(request)
    unit = get_object_or_404(Organisation.objects.units(), pk=unit_id)
    if not rules.leads_unit(person, unit.pk):
        raise PermissionDenied(
            _("Only the head or a leader in charge of %(unit)s may delegate its posts.") % {"unit": unit}
        )
    form = DelegationForm(request.POST or None, unit_id=unit.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.grant_delegation(
                Actor.from_request(request),
                post=data["post"],
                grantee=data["grantee"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The delegation is recorded. Inspectors can see it."))
            return redirect("orgs:delegations")
    return render(request, "orgs/delegation_form.html", {"form": form, "unit": unit})


@role_required(Role.WORKBENCH)
@require_POST
def revoke_delegation(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation.objects.select_related("post__organisation"), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking."))
        return redirect("orgs:delegations")
    try:
        actions.revoke_delegation(Actor.from_request(request), delegation, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The delegation is revoked."))
    return redirect("orgs:delegations")


def unit_overview_context(unit: Organisation) -> dict[str, object]:
    """Offices, posts with their current holders and active delegations of one unit."""
    today = timezone.localdate()
    holders = Prefetch(
        "assignments",
        queryset=Assignment.objects.current(today).select_related("person"),
        to_attr="current_holders",
    )
    posts = (
        Post.objects.filter(organisation__unit=unit)
        .select_related("organisation")
        .prefetch_related(holders)
        .order_by("organisation__sort", "code")
    )
    return {
        "unit": unit,
        "posts": posts,
        "delegations": Delegation.objects.active()
        .visible_to_unit(unit.pk)
        .select_related("post", "grantor", "grantee"),
    }


@role_required(Role.MONITORING)
def monitoring(request: HttpRequest) -> HttpResponse:
    unit_ids = authority.monitored_unit_ids(_person(request))
    units = list(Organisation.objects.filter(pk__in=unit_ids))
    chosen = units[0] if units else None
    if "unit" in request.GET:
        chosen = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
        if chosen is None:
            raise PermissionDenied(_("You monitor only your own unit."))
    context: dict[str, object] = {"units": units}
    if chosen is not None:
        context |= unit_overview_context(chosen)
    return render(request, "orgs/monitoring.html", context)
