"""The dashboards (district and unit), their exports, and the process analytics pages.

Every figure comes from the summary tables (`dashboards.build`), so a dashboard answers in a
fixed number of queries whatever the size of the case tables.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.assessments import access, analytics, charts, dashboards, exports
from sunlight.assessments.periods import Quarter
from sunlight.assessments.views import record_export, send
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role
from sunlight.powers.models import PowerCategory
from sunlight.processes.models import ProcessDefinition


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _district_scope(request: HttpRequest) -> set[int] | None:
    allowed, units = access.district_scope(_user(request))
    if not allowed:
        raise PermissionDenied(_("The district dashboard is for inspectors and the district's leaders."))
    return units


def _unit_scope(request: HttpRequest) -> set[int]:
    units = access.unit_scope(_user(request))
    if not units:
        raise PermissionDenied(_("A unit's dashboard is for its monitoring centre and its leaders."))
    return units


def _quarters() -> list[Quarter]:
    quarter, found = Quarter.current(), []
    for _n in range(8):
        found.append(quarter)
        quarter = quarter.previous()
    return found


def _render(request: HttpRequest, scope: set[int] | None, *, district: bool) -> HttpResponse:
    units = dashboards.scope_units(scope)
    filters, problems = dashboards.parse_filters(request.GET, scope)
    if not district and filters.unit_id is None:
        # A unit's dashboard shows one unit: the first of the person's own by default.
        first = units[0].pk if units else None
        filters = dashboards.Filters(filters.start, filters.end, filters.quarter, first, filters.category)
    board = dashboards.build(filters, scope, units)
    context: dict[str, Any] = {
        "board": board,
        "charts": charts.all_charts(board),
        "district": district,
        "problems": problems,
        "quarters": _quarters(),
        "categories": PowerCategory.choices,
        "units": units,
        "unit_name": board.names.get(filters.unit_id, "") if filters.unit_id else "",
        "query": urlencode(filters.query()),
        "export_name": "assessments:dashboard_export" if district else "assessments:unit_dashboard_export",
    }
    return render(request, "assessments/dashboard.html", context)


@role_required(Role.SUPERVISION, Role.WORKBENCH)
def district_dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request, _district_scope(request), district=True)


@role_required(Role.MONITORING, Role.WORKBENCH)
def unit_dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request, _unit_scope(request), district=False)


def _export(request: HttpRequest, scope: set[int] | None, fmt: str, *, district: bool) -> HttpResponse:
    filters, _problems = dashboards.parse_filters(request.GET, scope)
    units = dashboards.scope_units(scope)
    if not district and filters.unit_id is None and units:
        filters = dashboards.Filters(
            filters.start, filters.end, filters.quarter, units[0].pk, filters.category
        )
    board = dashboards.build(filters, scope, units, full=True)
    label = _("District dashboard") if district else _("Unit dashboard")
    sections = exports.dashboard_sections(board, label)
    record_export(
        request,
        "dashboard",
        ("assessments.dashboard", "district" if district else str(filters.unit_id)),
        fmt,
        filters.query(),
    )
    if fmt == "xlsx":
        return send(exports.to_xlsx(sections), fmt, f"dashboard-{filters.start}-{filters.end}")
    subtitle = f"{filters.start.isoformat()} – {filters.end.isoformat()}"
    return send(
        exports.to_pdf(str(label), subtitle, sections), fmt, f"dashboard-{filters.start}-{filters.end}"
    )


@role_required(Role.SUPERVISION, Role.WORKBENCH)
def district_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, _district_scope(request), fmt, district=True)


@role_required(Role.MONITORING, Role.WORKBENCH)
def unit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, _unit_scope(request), fmt, district=False)


# ------------------------------------------------------------------------------------ analytics


def _analytics_charts(stats: list[analytics.VersionStat]) -> list[charts.Chart]:
    """One bar chart of mean working days per step, and the version totals against their limits."""
    out = []
    for stat in stats:
        names = [s.name for s in stat.steps]
        out.append(
            charts.Chart(
                f"chart-steps-{stat.definition.pk}",
                f"{stat.definition.name} v{stat.definition.version}",
                {
                    "tooltip": {"trigger": "axis"},
                    "legend": {"bottom": 0},
                    "grid": {"left": 40, "right": 20, "top": 20, "bottom": 110},
                    "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40, "interval": 0}},
                    "yAxis": {"type": "value"},
                    "series": [
                        {
                            "type": "bar",
                            "name": _("Mean working days"),
                            "data": [(s.days.mean_tenths or 0) / 10 for s in stat.steps],
                            "itemStyle": {"color": charts.BLUE},
                        },
                        {
                            "type": "bar",
                            "name": _("Limit"),
                            "data": [s.limit for s in stat.steps],
                            "itemStyle": {"color": charts.GREY},
                        },
                    ],
                },
                [_("Step"), _("Mean working days"), _("Limit")],
                [[s.name, analytics.format_tenths(s.days.mean_tenths), s.limit] for s in stat.steps],
            )
        )
    return out


def _totals_chart(stats: list[analytics.VersionStat]) -> charts.Chart:
    names = [f"{s.definition.code} v{s.definition.version}" for s in stats]
    return charts.Chart(
        "chart-totals",
        _("Working days per case: taken and allowed"),
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 40, "right": 20, "top": 20, "bottom": 60},
            "xAxis": {"type": "category", "data": names},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "bar",
                    "name": _("Mean working days"),
                    "data": [(s.total.mean_tenths or 0) / 10 for s in stats],
                    "itemStyle": {"color": charts.BLUE},
                },
                {
                    "type": "bar",
                    "name": _("Limit"),
                    "data": [s.definition.total_limit for s in stats],
                    "itemStyle": {"color": charts.GREY},
                },
            ],
        },
        [_("Version"), _("Cases concluded"), _("Mean working days"), _("Median"), _("Longest"), _("Limit")],
        [
            [
                name,
                s.total.n,
                analytics.format_tenths(s.total.mean_tenths),
                s.total.median or "—",
                s.total.longest or "—",
                s.definition.total_limit,
            ]
            for name, s in zip(names, stats, strict=True)
        ],
    )


@role_required(Role.SUPERVISION, Role.ADMINISTRATION)
def analytics_index(request: HttpRequest) -> HttpResponse:
    versions = analytics.definitions()
    codes: dict[str, list[ProcessDefinition]] = {}
    for definition in versions:
        codes.setdefault(definition.code, []).append(definition)
    first, second = analytics.default_pair()
    return render(
        request,
        "assessments/analytics_index.html",
        {"codes": codes, "pair": (first, second) if first and second else None},
    )


@role_required(Role.SUPERVISION, Role.ADMINISTRATION)
def analytics_process(request: HttpRequest, code: str) -> HttpResponse:
    versions = analytics.definitions(code)
    if not versions:
        raise Http404
    stats = analytics.analyse(versions)
    return render(
        request,
        "assessments/analytics_process.html",
        {
            "code": code,
            "name": versions[-1].name,
            "stats": stats,
            "charts": [_totals_chart(stats), *_analytics_charts(stats)],
        },
    )


@role_required(Role.SUPERVISION, Role.ADMINISTRATION)
def analytics_compare(request: HttpRequest) -> HttpResponse:
    first, second = analytics.default_pair()
    chosen = [request.GET.get("a", ""), request.GET.get("b", "")]
    if all(c.isdigit() for c in chosen):
        found = {d.pk: d for d in ProcessDefinition.objects.filter(pk__in=[int(c) for c in chosen])}
        first, second = found.get(int(chosen[0])), found.get(int(chosen[1]))
    if first is None or second is None:
        raise Http404
    stats = analytics.analyse([first, second])
    return render(
        request,
        "assessments/analytics_compare.html",
        {
            "stats": stats,
            "versions": analytics.definitions(),
            "first": first,
            "second": second,
            "charts": [_totals_chart(stats), *_analytics_charts(stats)],
        },
    )
