"""The inspectors' pages, open only with the supervision key: the console (监督台), online
patrols (网上巡查) and business spot checks (业务抽查)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Delegation, Organisation, Role
from sunlight.supervision import actions
from sunlight.supervision import console as console_data
from sunlight.supervision.forms import (
    CheckItemForm,
    ConclusionForm,
    FindingForm,
    PatrolForm,
    SpotCheckForm,
    SummaryForm,
)
from sunlight.supervision.models import Patrol, SpotCheck, SpotCheckItem


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _jurisdiction(request: HttpRequest) -> set[int] | None:
    return authority.supervised_unit_ids(_user(request))


def _within(unit_ids: set[int] | None, unit_id: int | None) -> bool:
    return unit_ids is None or unit_id in unit_ids


@role_required(Role.SUPERVISION)
def console(request: HttpRequest) -> HttpResponse:
    unit_ids = _jurisdiction(request)
    units = Organisation.objects.units().within(unit_ids).order_by("sort", "code")
    delegations = (
        Delegation.objects.active()
        .select_related("post__organisation__unit", "grantor", "grantee")
        .order_by("ends_at")
    )
    if unit_ids is not None:
        delegations = delegations.filter(post__organisation__unit_id__in=unit_ids)
    context = {
        "units": list(units),
        "whole_district": unit_ids is None,
        "delegations": list(delegations[:200]),
        **console_data.console(unit_ids),
    }
    return render(request, "supervision/console.html", context)


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def patrols(request: HttpRequest) -> HttpResponse:
    unit_ids = _jurisdiction(request)
    form = PatrolForm(request.POST or None, unit_ids=unit_ids)
    if request.method == "POST" and form.is_valid():
        try:
            patrol = actions.start_patrol(
                Actor.from_request(request), scope=form.cleaned_data["scope"], unit=form.cleaned_data["unit"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            return redirect("supervision:patrol", pk=patrol.pk)
    recent_patrols = Patrol.objects.select_related("inspector", "unit")
    checks = SpotCheck.objects.select_related("inspector", "unit")
    if unit_ids is not None:
        recent_patrols = recent_patrols.filter(unit_id__in=unit_ids)
        checks = checks.filter(unit_id__in=unit_ids)
    return render(
        request,
        "supervision/patrols.html",
        {
            "form": form,
            "patrols": list(recent_patrols[:50]),
            "spot_checks": list(checks[:50]),
            "spot_form": SpotCheckForm(unit_ids=unit_ids),
        },
    )


def _patrol(request: HttpRequest, pk: int) -> Patrol:
    patrol = get_object_or_404(Patrol.objects.select_related("inspector", "unit"), pk=pk)
    if not _within(_jurisdiction(request), patrol.unit_id) and patrol.inspector_id != request.user.pk:
        raise Http404
    return patrol


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patrol(request, pk)
    unit_ids = _jurisdiction(request)
    if found.unit_id is not None:
        unit_ids = {found.unit_id}
    form = FindingForm(request.POST or None, unit_ids=unit_ids, initial={"unit": found.unit_id})
    summary = SummaryForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        if data["case_number"]:
            case = Case.objects.filter(number=data["case_number"].strip().upper()).first()
            if case is None:
                form.add_error("case_number", _("No case has this number."))
        if not form.errors:
            try:
                actions.add_finding(
                    Actor.from_request(request),
                    found,
                    unit=data["unit"],
                    severity=data["severity"],
                    description=data["description"],
                    case=case,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Refused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("The finding was recorded."))
                return redirect("supervision:patrol", pk=found.pk)
    findings = found.findings.select_related("unit", "case", "alarm", "recorded_by")
    return render(
        request,
        "supervision/patrol.html",
        {"patrol": found, "findings": list(findings), "form": form, "summary_form": summary},
    )


@role_required(Role.SUPERVISION)
@require_POST
def close_patrol(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patrol(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            actions.close_patrol(Actor.from_request(request), found, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
    return redirect("supervision:patrol", pk=found.pk)


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def new_spot_check(request: HttpRequest) -> HttpResponse:
    form = SpotCheckForm(request.POST or None, unit_ids=_jurisdiction(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = actions.draw_spot_check(
                Actor.from_request(request),
                unit=data["unit"],
                start=data["period_from"],
                end=data["period_until"],
                size=data["size"],
                seed=data["seed"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            return redirect("supervision:spot_check", pk=check.pk)
    return render(request, "supervision/new_spot_check.html", {"form": form})


def _spot_check(request: HttpRequest, pk: int) -> SpotCheck:
    check = get_object_or_404(SpotCheck.objects.select_related("inspector", "unit"), pk=pk)
    if not _within(_jurisdiction(request), check.unit_id):
        raise Http404
    return check


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def spot_check(request: HttpRequest, pk: int) -> HttpResponse:
    check = _spot_check(request, pk)
    form = ConclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.conclude_spot_check(
                Actor.from_request(request), check, conclusion=form.cleaned_data["conclusion"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            return redirect("supervision:spot_check", pk=check.pk)
    items = list(check.items.select_related("case__owner", "checked_by"))
    verified = None
    if request.GET.get("redraw"):
        verified, _again = actions.redraw(check)
    return render(
        request,
        "supervision/spot_check.html",
        {"check": check, "items": items, "form": form, "verified": verified},
    )


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def check_item(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    check = _spot_check(request, pk)
    found = get_object_or_404(
        SpotCheckItem.objects.select_related("case__owner", "case__definition", "case__applicant"),
        pk=item,
        spot_check=check,
    )
    form = CheckItemForm(request.POST or None, initial={"result": found.result, "finding": found.finding})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.check_case(
                Actor.from_request(request),
                found,
                result=data["result"],
                finding=data["finding"],
                raise_alarm=data["raise_alarm"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("The result was recorded."))
            return redirect("supervision:spot_check", pk=check.pk)
    else:
        # The page shows the case's particulars: an inspector's read, recorded in the ledger.
        actions.record_case_read(Actor.from_request(request), found.case, purpose=f"spot check {check.pk}")
    steps = list(found.case.steps.select_related("unit", "completed_by").order_by("activated_at", "pk"))
    return render(
        request, "supervision/check_item.html", {"check": check, "item": found, "form": form, "steps": steps}
    )
