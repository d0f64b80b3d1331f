"""Staff pages of the risk register: the unit's register with its gaps, risk points, measures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs.models import Organisation
from sunlight.powers import access, rules
from sunlight.powers.views import staff_only
from sunlight.risks import actions, coverage, plans
from sunlight.risks.content import measure_data, point_data
from sunlight.risks.forms import MeasureForm, PromptForm, RetireForm, ReviewMeasureForm, RiskPointForm
from sunlight.risks.models import (
    ControlMeasure,
    MeasureStatus,
    RiskKind,
    RiskLevel,
    RiskPoint,
    RiskState,
)


def _flags(request: HttpRequest, unit: Organisation) -> dict[str, bool]:
    user = access.person(request)
    return {
        "may_edit": rules.may_edit(user, unit.pk),
        "may_file": rules.may_file(user, unit.pk),
        "inspector": access.is_inspector(request),
    }


@staff_only
def register(request: HttpRequest) -> HttpResponse:
    unit = access.chosen_unit(request)
    if unit is None:
        raise PermissionDenied(_("You hold no post in a unit."))
    level = request.GET.get("level", "")
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    live = ControlMeasure.objects.exclude(status=MeasureStatus.RETIRED)
    points = (
        RiskPoint.objects.active()
        .of_unit(unit.pk)
        .select_related("power", "post")
        .annotate(measure_count=Count("measures", filter=~Q(measures__status=MeasureStatus.RETIRED)))
        .order_by("code")
    )
    if level in RiskLevel.values:
        points = points.filter(level=level)
    if kind in RiskKind.values:
        points = points.filter(kind=kind)
    if query:
        points = points.filter(
            Q(code__icontains=query) | Q(description__icontains=query) | Q(power__code__icontains=query)
        )
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    by_level = dict(
        RiskPoint.objects.active()
        .of_unit(unit.pk)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return render(
        request,
        "risks/register.html",
        {
            "unit": unit,
            "units": access.my_units(request),
            "page": page,
            "gaps": coverage.gaps(unit.pk),
            "plan": plans.open_plan(unit.pk) or unit.control_plans.order_by("-number").first(),
            "levels": [(value, label, by_level.get(value, 0)) for value, label in RiskLevel.choices],
            "kinds": RiskKind.choices,
            "level": level,
            "kind": kind,
            "query": query,
            "querystring": params.urlencode(),
            "measure_total": live.filter(risk_point__unit=unit, risk_point__state=RiskState.ACTIVE).count(),
            **_flags(request, unit),
        },
    )


@staff_only
@require_http_methods(["GET", "POST"])
def point_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Organisation.objects.units(), pk=unit_id)
    access.require_view(request, unit)
    access.editor_form(request, unit.pk)
    initial = {"power": request.GET.get("power")}
    form = RiskPointForm(request.POST or None, unit=unit, initial=initial)
    measure = MeasureForm(request.POST or None, unit=unit, prefix="measure")
    if request.method == "POST" and form.is_valid():
        measures = [measure.data_of()] if measure.is_valid() else []
        try:
            point = actions.create_risk_point(
                Actor.from_request(request), unit, form.data_of(), measures=measures
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Risk point %(code)s is added.") % {"code": point.code})
            return redirect("risks:point", pk=point.pk)
    return render(
        request,
        "risks/point_form.html",
        {"form": form, "measure": measure, "unit": unit, "title": _("New risk point")},
    )


def _point(request: HttpRequest, pk: int) -> RiskPoint:
    point = get_object_or_404(RiskPoint.objects.select_related("unit", "power", "post"), pk=pk)
    access.require_view(request, point.unit)
    return point


@staff_only
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    return render(
        request,
        "risks/point_detail.html",
        {
            "point": point,
            "unit": point.unit,
            "measures": point.measures.select_related("owner__organisation").order_by("number"),
            "revisions": point.revisions.select_related("created_by")[:50],
            "measure_form": MeasureForm(unit=point.unit),
            "review_form": ReviewMeasureForm(),
            "retire_form": RetireForm(),
            **_flags(request, point.unit),
        },
    )


@staff_only
@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    access.editor_form(request, point.unit_id)
    current = point_data(point)
    initial = current.as_dict() | {"domains": list(current.domains)}
    form = RiskPointForm(request.POST or None, unit=point.unit, initial=initial)
    prompt = PromptForm(request.POST or None, prefix="prompt")
    if request.method == "POST" and form.is_valid() and prompt.is_valid():
        try:
            actions.update_risk_point(
                Actor.from_request(request), point, form.data_of(), prompt=prompt.prompt_of()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            apply_errors(prompt, exc)
        else:
            messages.success(request, _("The risk point is revised."))
            return redirect("risks:point", pk=point.pk)
    title = _("Revise %(code)s") % {"code": point.code}
    return render(
        request, "risks/point_form.html", {"form": form, "prompt": prompt, "unit": point.unit, "title": title}
    )


@staff_only
@require_POST
def point_retire(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    form = RetireForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("Give the reason the risk point is retired.")})
        actions.retire_risk_point(Actor.from_request(request), point, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The risk point is retired."))
    return redirect("risks:point", pk=point.pk)


@staff_only
@require_POST
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    form = MeasureForm(request.POST, unit=point.unit)
    if form.is_valid():
        try:
            actions.add_measure(Actor.from_request(request), point, form.data_of())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The measure is added."))
            return redirect("risks:point", pk=point.pk)
    title = _("New measure for %(code)s") % {"code": point.code}
    return render(request, "risks/measure_form.html", {"form": form, "point": point, "title": title})


def _measure(request: HttpRequest, pk: int) -> ControlMeasure:
    measure = get_object_or_404(ControlMeasure.objects.select_related("risk_point__unit", "owner"), pk=pk)
    access.require_view(request, measure.risk_point.unit)
    return measure


@staff_only
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    point = measure.risk_point
    access.editor_form(request, point.unit_id)
    form = MeasureForm(request.POST or None, unit=point.unit, initial=measure_data(measure).as_dict())
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_measure(Actor.from_request(request), measure, form.data_of())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The measure is saved."))
            return redirect("risks:point", pk=point.pk)
    title = _("Measure %(ref)s") % {"ref": measure.ref}
    return render(request, "risks/measure_form.html", {"form": form, "point": point, "title": title})


@staff_only
@require_POST
def measure_review(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = ReviewMeasureForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"note": _("Write what the review found.")})
        actions.review_measure(
            Actor.from_request(request),
            measure,
            note=form.cleaned_data["note"],
            effective=form.cleaned_data["effective"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Reviewed; next review on %(d)s.") % {"d": measure.next_review.isoformat()}
        )
    return redirect("risks:point", pk=measure.risk_point_id)
