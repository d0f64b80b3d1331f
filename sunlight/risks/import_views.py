"""Excel pages of the risk register (reusing the power list's import pages), and the statistics."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.powers import access
from sunlight.powers.import_views import exported, import_page, job_page
from sunlight.powers.views import staff_only
from sunlight.risks import excel, stats


@staff_only
@require_http_methods(["GET", "POST"])
def import_register(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        kind="risks",
        importer=excel.import_workbook,
        title=_("Import the risk register (Excel)"),
        export_url=reverse("risks:export"),
        job_url_name="risks:import_job",
    )


@staff_only
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    return job_page(request, job_id, title=_("Importing the risk register"), back_url=reverse("risks:import"))


@staff_only
def export_register(request: HttpRequest) -> HttpResponse:
    unit = access.chosen_unit(request)
    if unit is None:
        raise PermissionDenied(_("You hold no post in a unit."))
    return exported(
        request,
        "risks.export",
        unit.pk,
        lambda: excel.export_workbook(excel.register_points([unit.pk])),
        f"sunlight-risks-{unit.abbr}",
    )


def statistics(request: HttpRequest) -> HttpResponse:
    """Public: the district's figures, as the seed reports them (S1–S3)."""
    return render(request, "risks/statistics.html", vars(stats.statistics()))
