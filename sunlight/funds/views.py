"""Fund pages: projects for unit staff, read-only with blocked attempts for inspectors, and setup."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.funds import actions, authority, queries
from sunlight.funds.forms import ContractForm, DesignationForm, ProjectForm
from sunlight.funds.models import Contract, FundPost, FundRole, Project
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import form_only_for, is_verified, request_roles, role_required
from sunlight.orgs.models import Organisation, Role

READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def is_inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def readable_units(request: HttpRequest) -> set[int] | None:
    return authority.readable_unit_ids(_user(request), verified=is_inspector(request))


def readable_project(request: HttpRequest, pk: int) -> Project:
    """The project if this person may read it; an inspector's read is recorded (S15)."""
    project = get_object_or_404(Project.objects.select_related("unit"), pk=pk)
    units = readable_units(request)
    if units is not None and project.unit_id not in units:
        raise Http404
    if is_inspector(request):
        appended_atomically(Actor.from_request(request), "funds.read", project)
    return project


def manager_units(user: User) -> list[Organisation]:
    return [
        unit
        for unit in Organisation.objects.filter(pk__in=authority.staff_unit_ids(user))
        if FundRole.PROJECT_MANAGER in authority.roles_in(user, unit)
    ]


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    units = readable_units(request)
    return render(
        request,
        "funds/index.html",
        {
            "projects": queries.project_rows(units)[:200],
            "totals": queries.totals(units),
            "can_create": bool(manager_units(_user(request))),
            "whole_district": units is None,
        },
    )


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    units = manager_units(_user(request))
    if not units:
        raise PermissionDenied(_("None of your posts is designated as a project manager."))
    form = ProjectForm(request.POST or None, units=Organisation.objects.filter(pk__in=[u.pk for u in units]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = actions.create_project(
                Actor.from_request(request),
                unit=data["unit"],
                code=data["code"],
                name=data["name"],
                approval_reference=data["approval_reference"],
                budget_fen=data["budget_fen"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The project is registered."))
            return redirect("funds:project", project.pk)
    return render(request, "funds/form_page.html", {"form": form, "title": _("New project")})


@role_required(*READERS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = readable_project(request, pk)
    contracts = list(project.contracts.select_related("integrity").order_by("code"))
    rows = [
        {
            "contract": c,
            "changes_fen": c.approved_changes_fen(),
            "paid_fen": c.paid_fen(),
            "progress_bp": c.confirmed_progress_bp(),
        }
        for c in contracts
    ]
    return render(
        request,
        "funds/project_detail.html",
        {
            "project": project,
            "rows": rows,
            "totals": _project_totals(rows),
            "blocked": queries.blocked_attempts(contracts)[:100],
            "can_manage": FundRole.PROJECT_MANAGER in authority.roles_in(_user(request), project.unit),
        },
    )


def _project_totals(rows: list[dict[str, object]]) -> dict[str, int]:
    return {
        "price_fen": sum(cast(Contract, r["contract"]).price_fen for r in rows),
        "changes_fen": sum(cast(int, r["changes_fen"]) for r in rows),
        "paid_fen": sum(cast(int, r["paid_fen"]) for r in rows),
    }


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = readable_project(request, pk)
    form_only_for(
        request, FundRole.PROJECT_MANAGER in authority.roles_in(cast(User, request.user), project.unit)
    )
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = actions.create_contract(Actor.from_request(request), project, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The contract is registered as a draft; it becomes active once the integrity contract is signed by both parties."
                ),
            )
            return redirect("funds:contract", contract.pk)
    return render(
        request, "funds/form_page.html", {"form": form, "title": _("New contract"), "project": project}
    )


@role_required(Role.ADMINISTRATION)
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Which posts of a unit manage projects, confirm progress, approve, and pay."""
    units = Organisation.objects.units().order_by("sort", "code")
    unit = units.filter(pk=request.GET.get("unit") or 0).first()
    form = DesignationForm(request.POST or None, unit=unit) if unit else None
    if request.method == "POST" and unit is not None and form is not None and form.is_valid():
        try:
            actions.designate_post(Actor.from_request(request), unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The designation is recorded."))
            return redirect(f"{request.path}?unit={unit.pk}")
    designations = (
        FundPost.objects.filter(unit=unit).select_related("post__organisation")
        if unit
        else FundPost.objects.none()
    )
    return render(
        request,
        "funds/setup.html",
        {"units": units, "unit": unit, "form": form, "designations": designations},
    )


@role_required(Role.ADMINISTRATION)
@require_POST
def setup_remove(request: HttpRequest, pk: int) -> HttpResponse:
    designation = get_object_or_404(FundPost.objects.select_related("unit"), pk=pk)
    try:
        actions.remove_designation(
            Actor.from_request(request), designation, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The designation is removed."))
    return redirect(f"{reverse('funds:setup')}?unit={designation.unit_id}")
