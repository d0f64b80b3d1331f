"""Control plan pages: the unit files its plan, the commission returns it or approves it (S4)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import role_required
from sunlight.orgs.authority import supervised_unit_ids
from sunlight.orgs.models import Organisation, Role
from sunlight.powers import access, rules
from sunlight.powers.views import staff_only
from sunlight.risks import coverage, plans
from sunlight.risks.forms import FindingFormSet, PlanForm
from sunlight.risks.models import ControlPlan, PlanState


@staff_only
def plan_list(request: HttpRequest) -> HttpResponse:
    unit = access.chosen_unit(request)
    if unit is None:
        raise PermissionDenied(_("You hold no post in a unit."))
    user = access.person(request)
    return render(
        request,
        "risks/plans.html",
        {
            "unit": unit,
            "plans": unit.control_plans.select_related("reviewed_by").order_by("-number"),
            "open_plan": plans.open_plan(unit.pk),
            "form": PlanForm(
                initial={"title": _("%(unit)s integrity risk control plan") % {"unit": unit.name}}
            ),
            "may_edit": rules.may_edit(user, unit.pk),
        },
    )


@staff_only
@require_POST
def plan_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Organisation.objects.units(), pk=unit_id)
    access.require_view(request, unit)
    form = PlanForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"title": _("Give the plan a title.")})
        plan = plans.create_plan(Actor.from_request(request), unit, title=form.cleaned_data["title"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('risks:plans')}?unit={unit.pk}")
    return redirect("risks:plan", pk=plan.pk)


def _plan(request: HttpRequest, pk: int) -> ControlPlan:
    plan = get_object_or_404(ControlPlan.objects.select_related("unit", "reviewed_by"), pk=pk)
    access.require_view(request, plan.unit)
    return plan


@staff_only
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = access.person(request)
    inspector = access.is_inspector(request)
    editable = plan.state in (PlanState.DRAFT, PlanState.RETURNED)
    return render(
        request,
        "risks/plan_detail.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "findings": plan.findings.select_related("power", "post", "risk_point", "created_by"),
            "gaps": coverage.gaps(plan.unit_id) if editable else None,
            "may_file": editable and rules.may_file(user, plan.unit_id),
            "may_review": inspector and plan.state == PlanState.SUBMITTED,
            "snapshot": plan.snapshot,
        },
    )


@staff_only
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        plans.submit_plan(Actor.from_request(request), plan, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is filed with the discipline commission."))
    return redirect("risks:plan", pk=plan.pk)


@role_required(Role.SUPERVISION)
def reviews(request: HttpRequest) -> HttpResponse:
    units = supervised_unit_ids(access.person(request))
    waiting = ControlPlan.objects.awaiting_review().select_related("unit").order_by("submitted_at")
    if units is not None:
        waiting = waiting.filter(unit_id__in=units)
    recent = (
        ControlPlan.objects.exclude(state=PlanState.SUBMITTED)
        .exclude(round=0)
        .select_related("unit", "reviewed_by")
    )
    if units is not None:
        recent = recent.filter(unit_id__in=units)
    return render(
        request, "risks/reviews.html", {"waiting": waiting, "recent": recent.order_by("-reviewed_at")[:30]}
    )


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    formset = FindingFormSet(request.POST or None, prefix="findings")
    if request.method == "POST" and formset.is_valid():
        findings = [
            plans.FindingData(
                kind=f.cleaned_data["kind"],
                text=f.cleaned_data["text"],
                power=f.cleaned_data["power"],
                post=f.cleaned_data["post"],
                risk_point=f.cleaned_data["risk_point"],
            )
            for f in formset.forms
            if f.cleaned_data.get("text")
        ]
        try:
            plans.return_plan(Actor.from_request(request), plan, findings=findings)
        except ValidationError as exc:
            apply_errors(formset.forms[0], exc)
        else:
            messages.success(
                request, _("The plan is returned to %(unit)s to be redone.") % {"unit": plan.unit.name}
            )
            return redirect("risks:reviews")
    return render(request, "risks/plan_return.html", {"plan": plan, "formset": formset})


@role_required(Role.SUPERVISION)
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        plans.approve_plan(Actor.from_request(request), plan, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan of %(unit)s is approved.") % {"unit": plan.unit.name})
    return redirect("risks:plan", pk=plan.pk)
