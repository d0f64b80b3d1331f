"""The public power list (权力清单公开): browse, search, each item's service guide and its PDF.

No sign-in. Only published versions are shown; the list can be shown as it stood on a date.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from sunlight.orgs.models import Organisation
from sunlight.powers import pdf, search
from sunlight.powers.content import PARTS_PREFETCH
from sunlight.powers.flows import flows_of
from sunlight.powers.models import PowerCategory, PowerItem, PowerVersion
from sunlight.risks.lookup import prewarning
from sunlight.risks.models import RiskPoint

PAGE_SIZE = 20


def _day(request: HttpRequest) -> dt.date | None:
    raw = request.GET.get("on", "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    unit_id = request.GET.get("unit", "")
    category = request.GET.get("category", "")
    day = _day(request)
    found = search.search(
        query,
        day=day,
        unit_id=int(unit_id) if unit_id.isdigit() else None,
        category=category if category in PowerCategory.values else None,
    )
    page = Paginator(found.select_related("item__unit"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Facets: how many of the matches fall in each category (one GROUP BY on the same query).
    by_category = dict(
        found.order_by().values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    params = request.GET.copy()
    params.pop("page", None)
    units = list(Organisation.objects.units().active().order_by("sort"))
    browsing = not (query or unit_id or category or day)
    if browsing:
        # Browse by unit: how many powers each unit holds today (one GROUP BY).
        counts = dict(
            PowerVersion.objects.current()
            .values_list("item__unit_id")
            .annotate(n=Count("pk"))
            .values_list("item__unit_id", "n")
        )
        for unit in units:
            unit.power_count = counts.get(unit.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "powers/public_list.html",
        {
            "page": page,
            "query": query,
            "unit_id": unit_id,
            "category": category,
            "day": day,
            "today": timezone.localdate(),
            "units": units,
            "browsing": browsing,
            "categories": [
                (value, label, by_category.get(value, 0)) for value, label in PowerCategory.choices
            ],
            "querystring": params.urlencode(),
        },
    )


def public_risks(item: PowerItem) -> list[RiskPoint]:
    """The risk points the public sees for a power (S12: risks and red lines before starting)."""
    return prewarning(item.code, public_only=True)


def _guide_version(code: str, day: dt.date | None, number: int | None = None) -> PowerVersion:
    versions = PowerVersion.objects.select_related("item__unit", "office").prefetch_related(*PARTS_PREFETCH)
    if number is not None:
        return get_object_or_404(versions.published(), item__code=code, number=number)
    version = (versions.as_of(day) if day else versions.current()).filter(item__code=code).first()
    if version is None:
        raise Http404
    return version


def guide(request: HttpRequest, code: str) -> HttpResponse:
    version = _guide_version(code, _day(request))
    return _render_guide(request, version, historical=False)


def version_public(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _guide_version(code, None, number)
    return _render_guide(request, version, historical=True)


def _render_guide(request: HttpRequest, version: PowerVersion, *, historical: bool) -> HttpResponse:
    return render(
        request,
        "powers/guide.html",
        {
            "version": version,
            "item": version.item,
            "risks": public_risks(version.item),
            "historical": historical,
            "versions": version.item.versions.published().order_by("-number"),
            "guide_url": pdf.guide_url(version),
            "flows": flows_of(version.item.code),
        },
    )


def guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    version = _guide_version(code, _day(request))
    content = pdf.guide_pdf(version, public_risks(version.item), flows_of(version.item.code))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.item.code}-v{version.number}.pdf"'
    return response


def history(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(PowerItem.objects.select_related("unit"), code=code)
    versions = list(item.versions.published().select_related("reviewed_by").order_by("-number"))
    if not versions:
        raise Http404
    current = PowerVersion.objects.current().filter(item=item).first()
    return render(request, "powers/history.html", {"item": item, "versions": versions, "current": current})
