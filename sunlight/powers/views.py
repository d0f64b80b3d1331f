"""Staff pages of the power list: the unit's workspace, drafting, filing and the review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
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
from sunlight.powers import access, actions, rules
from sunlight.powers.content import PARTS_PREFETCH, content_of
from sunlight.powers.flows import flows_of
from sunlight.powers.forms import PART_FORMS, PowerForm, ReturnForm, initial_of, part_formsets, to_data
from sunlight.powers.models import (
    EDITABLE_STATES,
    PowerCategory,
    PowerItem,
    PowerVersion,
    VersionState,
)

staff_only = role_required(*access.STAFF_ROLES)


def _apply_part_errors(form: PowerForm, formsets: dict[str, Any], error: ValidationError) -> None:
    """Put `legal_bases.2.law`-style errors on the row they concern, the rest on the form."""
    if not hasattr(error, "error_dict"):
        apply_errors(form, error)
        return
    plain: dict[str, Any] = {}
    for key, errors in error.error_dict.items():
        parts = key.split(".")
        formset = formsets.get(parts[0])
        if formset is not None and len(parts) == 3:
            used = [f for f in formset.forms if not f.is_blank()]
            index = int(parts[1])
            target = used[index] if index < len(used) else None
            field = parts[2] if target is not None and parts[2] in target.fields else None
            if field == "amount_fen":
                field = "amount"
            if target is not None:
                for item in errors:
                    target.add_error(field if field in target.fields else None, item.messages)
                continue
        plain[key] = errors
    if plain:
        apply_errors(form, ValidationError(plain))


def _editor_context(request: HttpRequest, unit: Organisation) -> dict[str, bool]:
    user = access.person(request)
    return {"may_edit": rules.may_edit(user, unit.pk), "may_file": rules.may_file(user, unit.pk)}


@staff_only
def workspace(request: HttpRequest) -> HttpResponse:
    """A unit's power list as it is being kept: every item's latest version, in any state."""
    unit = access.chosen_unit(request)
    if unit is None:
        raise PermissionDenied(_("You hold no post in a unit."))
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    latest = PowerVersion.objects.order_by("-number")
    items = PowerItem.objects.of_unit(unit.pk).prefetch_related(Prefetch("versions", queryset=latest))
    if state:
        items = items.filter(versions__state=state).distinct()
    if category:
        items = items.filter(versions__category=category).distinct()
    if query:
        items = items.filter(Q(code__icontains=query) | Q(versions__name__icontains=query)).distinct()
    page = Paginator(items.order_by("code"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    counts = dict(
        PowerVersion.objects.of_unit(unit.pk)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return render(
        request,
        "powers/workspace.html",
        {
            "unit": unit,
            "units": access.my_units(request),
            "page": page,
            "rows": [(item, list(item.versions.all())) for item in page],
            "counts": [(VersionState(s).label, counts.get(s, 0), s) for s in VersionState.values],
            "states": VersionState.choices,
            "categories": PowerCategory.choices,
            "state": state,
            "category": category,
            "query": query,
            "querystring": params.urlencode() or f"unit={unit.pk}",
            "drafts": PowerVersion.objects.of_unit(unit.pk).filter(state__in=EDITABLE_STATES).count(),
            **_editor_context(request, unit),
        },
    )


def _render_form(
    request: HttpRequest, form: PowerForm, formsets: dict[str, Any], title: str, unit: Organisation
) -> HttpResponse:
    parts = [(key, PART_FORMS[key][1], formsets[key]) for key in PART_FORMS]
    return render(
        request, "powers/version_form.html", {"form": form, "parts": parts, "title": title, "unit": unit}
    )


@staff_only
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Organisation.objects.units(), pk=unit_id)
    access.require_view(request, unit)
    access.editor_form(request, unit.pk)
    initial = {"implementing_body": unit.name, "visits_needed": 1}
    form = PowerForm(request.POST or None, unit=unit, with_code=True, initial=initial)
    formsets = part_formsets(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        try:
            version = actions.create_power(
                Actor.from_request(request), unit, form.cleaned_data["code"], to_data(form, formsets)
            )
        except ValidationError as exc:
            _apply_part_errors(form, formsets, exc)
        else:
            messages.success(request, _("%(code)s is drafted.") % {"code": version.item.code})
            return redirect("powers:version", pk=version.pk)
    return _render_form(request, form, formsets, _("New power item"), unit)


def _version(request: HttpRequest, pk: int) -> PowerVersion:
    version = get_object_or_404(
        PowerVersion.objects.select_related("item__unit", "office", "reviewed_by").prefetch_related(
            *PARTS_PREFETCH
        ),
        pk=pk,
    )
    access.require_view(request, version.item.unit)
    return version


@staff_only
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    unit = version.item.unit
    history = list(version.item.versions.select_related("reviewed_by").order_by("-number"))
    context = _editor_context(request, unit)
    inspector = access.is_inspector(request)
    return render(
        request,
        "powers/version_detail.html",
        {
            "version": version,
            "item": version.item,
            "history": history,
            "unit": unit,
            "may_revise": context["may_edit"]
            and version.is_published
            and not any(
                v.state in (VersionState.DRAFT, VersionState.SUBMITTED, VersionState.RETURNED)
                for v in history
            ),
            "may_review": inspector and version.state == VersionState.SUBMITTED,
            "inspector": inspector,
            "return_form": ReturnForm(),
            "flows": flows_of(version.item.code),
            **context,
        },
    )


@staff_only
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    unit = version.item.unit
    access.editor_form(request, unit.pk)
    if version.state not in EDITABLE_STATES:
        messages.error(request, _("Only a draft or a returned version can be edited."))
        return redirect("powers:version", pk=version.pk)
    current = content_of(version)
    form = PowerForm(request.POST or None, unit=unit, initial=initial_of(current))
    formsets = part_formsets(request.POST or None, request.FILES or None, initial=current)
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        try:
            actions.update_draft(Actor.from_request(request), version, to_data(form, formsets))
        except ValidationError as exc:
            _apply_part_errors(form, formsets, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("powers:version", pk=version.pk)
    title = _("Edit %(code)s, version %(n)d") % {"code": version.item.code, "n": version.number}
    return _render_form(request, form, formsets, title, unit)


def _message_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@staff_only
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        actions.submit_version(Actor.from_request(request), version, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, _("Submitted to the discipline commission for review."))
    return redirect("powers:version", pk=version.pk)


@staff_only
@require_POST
def submit_all(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Organisation.objects.units(), pk=unit_id)
    access.require_view(request, unit)
    versions = list(
        PowerVersion.objects.of_unit(unit.pk).filter(state__in=EDITABLE_STATES).select_related("item__unit")
    )
    try:
        done = actions.submit_versions(Actor.from_request(request), versions)
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, _("%(n)d versions submitted for review.") % {"n": len(done)})
    return redirect(f"{reverse('powers:workspace')}?unit={unit.pk}")


@staff_only
@require_POST
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        draft = actions.revise(
            Actor.from_request(request), version.item, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
        return redirect("powers:version", pk=version.pk)
    messages.success(request, _("Version %(n)d is started as a draft.") % {"n": draft.number})
    return redirect("powers:edit", pk=draft.pk)


@role_required(Role.SUPERVISION)
def review(request: HttpRequest) -> HttpResponse:
    """The commission's queue: versions submitted by the units of the inspector's jurisdiction."""
    units = supervised_unit_ids(access.person(request))
    waiting = PowerVersion.objects.filter(state=VersionState.SUBMITTED).select_related("item__unit")
    if units is not None:
        waiting = waiting.filter(item__unit_id__in=units)
    by_unit: dict[Organisation, list[PowerVersion]] = {}
    for version in waiting.order_by("item__unit__sort", "item__code")[:1000]:
        by_unit.setdefault(version.item.unit, []).append(version)
    return render(request, "powers/review.html", {"by_unit": by_unit.items(), "return_form": ReturnForm()})


@role_required(Role.SUPERVISION)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        actions.approve_version(Actor.from_request(request), version, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, _("%(code)s is published.") % {"code": version.item.code})
    return redirect(request.POST.get("next") or "powers:review")


@role_required(Role.SUPERVISION)
@require_POST
def approve_batch(request: HttpRequest) -> HttpResponse:
    pks = [int(pk) for pk in request.POST.getlist("version") if pk.isdigit()]
    versions = list(PowerVersion.objects.filter(pk__in=pks).select_related("item__unit"))
    by_unit: dict[int, list[PowerVersion]] = {}
    for version in versions:
        access.require_view(request, version.item.unit)
        by_unit.setdefault(version.item.unit_id, []).append(version)
    published = 0
    for batch in by_unit.values():
        try:
            published += len(actions.approve_versions(Actor.from_request(request), batch))
        except ValidationError as exc:
            messages.error(request, _message_of(exc))
    if published:
        messages.success(request, _("%(n)d versions published.") % {"n": published})
    return redirect("powers:review")


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def return_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.return_version(
                Actor.from_request(request), version, findings=form.cleaned_data["findings"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(code)s is returned to %(unit)s.")
                % {"code": version.item.code, "unit": version.item.unit},
            )
            return redirect("powers:review")
    return render(request, "powers/return_form.html", {"form": form, "version": version})
