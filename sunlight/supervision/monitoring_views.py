"""The unit monitoring centre's pages (运行监管中心, S23): voucher reconciliation, paper archive
comparison, quarterly self-checks. Inspectors read them for their jurisdiction."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import Organisation, Role
from sunlight.supervision import actions, reconciliation
from sunlight.supervision.forms import ArchiveForm, SelfCheckForm, UploadForm
from sunlight.supervision.models import ArchiveCheck, SelfCheck, VoucherImport

STAFF = (Role.MONITORING, Role.SUPERVISION)


def _readable(request: HttpRequest) -> set[int] | None:
    """Units whose records the person reads: monitored ones, plus an inspector's jurisdiction."""
    user = cast(User, request.user)
    units = authority.monitored_unit_ids(user)
    if Role.SUPERVISION in request_roles(request) and is_verified(request):
        supervised = authority.supervised_unit_ids(user)
        if supervised is None:
            return None
        units |= supervised
    return units


def _own_unit(request: HttpRequest) -> Organisation | None:
    """The unit whose monitoring centre this person is (the first, or ?unit= among theirs)."""
    monitored = authority.monitored_unit_ids(cast(User, request.user))
    units = list(Organisation.objects.filter(pk__in=monitored).order_by("sort", "code"))
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted:
        chosen = next((u for u in units if str(u.pk) == wanted), None)
        if chosen is None:
            raise PermissionDenied(_("You monitor only your own unit."))
        return chosen
    return units[0] if units else None


def _scoped(queryset: Any, unit_ids: set[int] | None) -> Any:
    return queryset if unit_ids is None else queryset.filter(unit_id__in=unit_ids)


def _upload(form: UploadForm) -> tuple[bytes, str]:
    upload = form.cleaned_data["file"]
    return upload.read(), upload.name


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def vouchers(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if unit is None:
            raise PermissionDenied(_("Vouchers are reconciled by the unit's monitoring centre."))
        if form.is_valid():
            data, name = _upload(form)
            try:
                imported = reconciliation.import_vouchers(
                    Actor.from_request(request), unit=unit, data=data, file_name=name
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Refused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("The voucher list was reconciled."))
                return redirect("supervision:voucher_import", pk=imported.pk)
    imports = _scoped(VoucherImport.objects.select_related("unit", "imported_by"), _readable(request))
    return render(
        request,
        "supervision/vouchers.html",
        {
            "form": form,
            "unit": unit,
            "imports": list(imports[:50]),
            "columns": reconciliation.VOUCHER_COLUMNS,
        },
    )


@role_required(*STAFF)
def voucher_import(request: HttpRequest, pk: int) -> HttpResponse:
    imported = get_object_or_404(VoucherImport.objects.select_related("unit", "imported_by"), pk=pk)
    readable = _readable(request)
    if readable is not None and imported.unit_id not in readable:
        raise Http404
    rows = list(imported.vouchers.select_related("payment", "alarm"))
    return render(request, "supervision/voucher_import.html", {"imported": imported, "rows": rows})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def archives(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = ArchiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if unit is None:
            raise PermissionDenied(_("Archives are compared by the unit's monitoring centre."))
        if form.is_valid():
            data, name = _upload(form)
            try:
                check = reconciliation.compare_archives(
                    Actor.from_request(request),
                    unit=unit,
                    start=form.cleaned_data["period_from"],
                    end=form.cleaned_data["period_until"],
                    data=data,
                    file_name=name,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Refused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                return redirect("supervision:archive_check", pk=check.pk)
    checks = _scoped(ArchiveCheck.objects.select_related("unit", "checked_by"), _readable(request))
    return render(
        request, "supervision/archives.html", {"form": form, "unit": unit, "checks": list(checks[:50])}
    )


@role_required(*STAFF)
def archive_check(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(ArchiveCheck.objects.select_related("unit", "checked_by"), pk=pk)
    readable = _readable(request)
    if readable is not None and check.unit_id not in readable:
        raise Http404
    return render(request, "supervision/archive_check.html", {"check": check})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def self_checks(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = SelfCheckForm(request.POST or None)
    if request.method == "POST":
        if unit is None:
            raise PermissionDenied(_("The self-check is submitted by the unit's monitoring centre."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.submit_self_check(
                    Actor.from_request(request),
                    unit=unit,
                    year=data["year"],
                    quarter=data["quarter"],
                    findings=data["findings"],
                    measures=data["measures"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Refused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("The self-check was submitted."))
                return redirect("supervision:self_checks")
    checks = _scoped(SelfCheck.objects.select_related("unit", "submitted_by"), _readable(request))
    return render(
        request, "supervision/self_checks.html", {"form": form, "unit": unit, "checks": list(checks[:100])}
    )
