"""ECharts options for the dashboards, built on the server in the viewer's language.

The page hands each option to `static/assessments/dashboards.js` through `json_script` (data,
never executed: the CSP forbids inline scripts); every chart also has a plain table with the
same figures for screen readers and for browsers without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sunlight.alarms.models import AlarmKind
from sunlight.assessments.dashboards import Dashboard, heat_map, trend_points
from sunlight.assessments.scoring import format_centi
from sunlight.lib.money import format_yuan

RED, YELLOW, GREEN, BLUE, GREY = "#c62828", "#f9a825", "#2e7d32", "#1565c0", "#90a4ae"
PAGE_ROWS = 30  # a province has thousands of units: the page shows the first rows, exports all


@dataclass
class Chart:
    id: str
    title: str
    option: dict[str, Any]
    head: list[str]
    rows: list[list[Any]]
    tall: bool = False

    @property
    def data_id(self) -> str:
        return f"{self.id}-option"

    @property
    def shown_rows(self) -> list[list[Any]]:
        """The rows the page shows under the chart (every row goes to the exports)."""
        return self.rows[:PAGE_ROWS]

    @property
    def more_rows(self) -> int:
        return max(0, len(self.rows) - PAGE_ROWS)


def _percent(bp: int | None) -> str:
    return "—" if bp is None else f"{format_centi(bp)}%"


def cases_by_state(d: Dashboard) -> Chart:
    labels = {
        "running": _("In progress"),
        "suspended": _("Clock suspended"),
        "approved": _("Approved"),
        "refused": _("Refused"),
        "withdrawn": _("Withdrawn"),
    }
    colours = {"running": BLUE, "suspended": GREY, "approved": GREEN, "refused": RED, "withdrawn": YELLOW}
    data = [{"name": str(labels[k]), "value": d.cases[k], "itemStyle": {"color": colours[k]}} for k in labels]
    return Chart(
        "chart-states",
        _("Cases accepted in the period, by state now"),
        {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [
                {"type": "pie", "radius": ["35%", "65%"], "data": data, "label": {"formatter": "{b}: {c}"}}
            ],
        },
        [_("State"), _("Cases")],
        [[str(labels[k]), d.cases[k]] for k in labels],
    )


def trend(d: Dashboard) -> Chart:
    points = trend_points(d)
    series = [
        ("started", _("Accepted"), BLUE),
        ("concluded", _("Concluded"), GREEN),
        ("late", _("Concluded late"), RED),
    ]
    return Chart(
        "chart-trend",
        _("Trend"),
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 40, "right": 20, "top": 20, "bottom": 60},
            "xAxis": {"type": "category", "data": [p["label"] for p in points]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "type": "line",
                    "name": str(name),
                    "data": [p[key] for p in points],
                    "itemStyle": {"color": colour},
                }
                for key, name, colour in series
            ],
        },
        [_("Day"), *[str(name) for _k, name, _c in series]],
        [[p["label"], p["started"], p["concluded"], p["late"]] for p in points],
    )


def on_time(d: Dashboard) -> Chart:
    bp = d.on_time_bp
    rows = [
        [
            d.names.get(r["unit_id"], str(r["unit_id"])),
            r["concluded"],
            r["on_time"],
            r["late"],
            _percent(r["on_time_bp"]),
        ]
        for r in d.by_unit
    ]
    return Chart(
        "chart-on-time",
        _("Concluded on time"),
        {
            "series": [
                {
                    "type": "gauge",
                    "min": 0,
                    "max": 100,
                    "progress": {"show": True},
                    "title": {"show": False},
                    "detail": {"formatter": "{value}%", "fontSize": 20},
                    "data": [{"value": (bp or 0) / 100, "name": _percent(bp)}],
                }
            ]
        },
        [_("Unit"), _("Concluded"), _("On time"), _("Late"), _("On-time rate")],
        [[_("All"), d.cases["concluded"], d.cases["on_time"], d.cases["late"], _percent(bp)], *rows],
    )


def alarms(d: Dashboard) -> Chart:
    units, kinds, cells = heat_map(d)
    kind_labels = [str(AlarmKind(k).label) for k in kinds]
    unit_labels = [d.names.get(u, str(u)) for u in units]
    top = max([c[2] for c in cells], default=1)
    return Chart(
        "chart-alarms",
        _("Red and yellow alarms by unit and kind"),
        {
            "tooltip": {"position": "top"},
            "grid": {"left": 110, "right": 20, "top": 10, "bottom": 120},
            "xAxis": {"type": "category", "data": kind_labels, "axisLabel": {"rotate": 35, "interval": 0}},
            "yAxis": {"type": "category", "data": unit_labels},
            "visualMap": {
                "min": 0,
                "max": top,
                "calculable": True,
                "orient": "horizontal",
                "left": "center",
                "bottom": 0,
                "inRange": {"color": ["#fff8e1", YELLOW, RED]},
            },
            "series": [{"type": "heatmap", "data": cells, "label": {"show": True}}],
        },
        [_("Unit"), _("Kind"), _("Red"), _("Yellow")],
        [
            [
                d.names.get(r["unit_id"], str(r["unit_id"])),
                str(AlarmKind(r["kind"]).label),
                r["red"],
                r["yellow"],
            ]
            for r in d.alarms
        ],
        tall=True,
    )


def funds(d: Dashboard) -> Chart:
    top = d.funds[:15]
    names = [d.names.get(r["unit_id"], str(r["unit_id"])) for r in top]
    return Chart(
        "chart-funds",
        _("Payments under control and money saved (yuan)"),
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 90, "right": 20, "top": 20, "bottom": 90},
            "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "bar",
                    "name": _("Paid"),
                    "data": [r["paid_fen"] // 100 for r in top],
                    "itemStyle": {"color": BLUE},
                },
                {
                    "type": "bar",
                    "name": _("Saved (change orders blocked)"),
                    "data": [r["saved_fen"] // 100 for r in top],
                    "itemStyle": {"color": GREEN},
                },
            ],
        },
        [_("Unit"), _("Payments"), _("Paid"), _("Change orders blocked"), _("Money saved")],
        [
            [
                d.names.get(r["unit_id"], str(r["unit_id"])),
                r["payments"],
                format_yuan(r["paid_fen"]),
                r["blocked"],
                format_yuan(r["saved_fen"]),
            ]
            for r in d.funds
        ],
    )


def ratings(d: Dashboard) -> Chart:
    colours = {5: GREEN, 4: GREEN, 3: BLUE, 2: YELLOW, 1: RED}
    return Chart(
        "chart-ratings",
        _("Service ratings"),
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 20, "top": 20, "bottom": 40},
            "xAxis": {"type": "category", "data": [r["label"] for r in d.ratings]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "type": "bar",
                    "data": [
                        {"value": r["count"], "itemStyle": {"color": colours[r["grade"]]}} for r in d.ratings
                    ],
                }
            ],
        },
        [_("Grade"), _("Ratings")],
        [[r["label"], r["count"]] for r in d.ratings],
    )


def all_charts(d: Dashboard) -> list[Chart]:
    return [cases_by_state(d), trend(d), on_time(d), alarms(d), funds(d), ratings(d)]
