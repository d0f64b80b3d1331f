"""Excel pages of the power list (and, reused, of the risk register): import with progress, export."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.powers import access, excel, jobs
from sunlight.powers.forms import ImportForm
from sunlight.powers.views import staff_only

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_page(
    request: HttpRequest,
    *,
    kind: str,
    importer: jobs.Importer,
    title: str,
    export_url: str,
    job_url_name: str,
) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request, Channel.IMPORT)
        job_id, report = jobs.start(kind, actor, form.cleaned_data["file"], importer)
        if job_id:
            return redirect(job_url_name, job_id=job_id)
        assert report is not None
        if report.ok:
            messages.success(request, _("The workbook is imported."))
    return render(
        request,
        "powers/import.html",
        {
            "form": form,
            "report": report.as_dict() if report else None,
            "title": title,
            "export_url": export_url,
        },
    )


def job_page(request: HttpRequest, job_id: str, *, title: str, back_url: str) -> HttpResponse:
    state = jobs.status(job_id)
    if state is None:
        raise Http404
    if state["owner"] != access.person(request).pk:
        raise PermissionDenied(_("This import was started by someone else."))
    template = "powers/_progress.html" if request.headers.get("HX-Request") else "powers/import_progress.html"
    return render(
        request, template, {"job": state, "report": state.get("report"), "title": title, "back_url": back_url}
    )


@staff_only
@require_http_methods(["GET", "POST"])
def import_powers(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        kind="powers",
        importer=excel.import_workbook,
        title=_("Import the power list (Excel)"),
        export_url=reverse("powers:export"),
        job_url_name="powers:import_job",
    )


@staff_only
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    return job_page(request, job_id, title=_("Importing the power list"), back_url=reverse("powers:import"))


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def exported(
    request: HttpRequest, action: str, unit_id: int, make: Callable[[], bytes], name: str
) -> HttpResponse:
    # An export is a read of the unit's whole working list: it leaves a leaf.
    appended_atomically(Actor.from_request(request), action, ("orgs.organisation", unit_id))
    return xlsx_response(make(), name)


@staff_only
def export_powers(request: HttpRequest) -> HttpResponse:
    unit = access.chosen_unit(request)
    if unit is None:
        raise PermissionDenied(_("You hold no post in a unit."))
    return exported(
        request,
        "powers.export",
        unit.pk,
        lambda: excel.export_workbook(excel.latest_versions([unit.pk])),
        f"sunlight-powers-{unit.abbr}",
    )
