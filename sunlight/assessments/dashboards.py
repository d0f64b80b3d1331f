"""The dashboards' figures, read from the summary tables only (a fixed number of queries).

Filters: a period (a quarter, or from/to dates), a unit among those the viewer may see, and a
power category. The category filter applies to cases and ratings; alarms and funds are not
tied to a power and follow the period and unit filters only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.assessments.models import (
    ALL_CATEGORIES,
    GRADE_FIELDS,
    DailyAlarms,
    DailyCases,
    DailyFunds,
    DailyRatings,
    MonthlyCases,
    MonthlyRatings,
    OpenCases,
)
from sunlight.assessments.periods import Quarter, next_month
from sunlight.assessments.scoring import ratio_bp
from sunlight.orgs.models import Organisation, OrgKind
from sunlight.powers.models import PowerCategory
from sunlight.ratings.models import Grade

MAX_SPAN_DAYS = 3 * 366
HEAT_MAP_UNITS = 15
STATE_FIELDS = ("running", "suspended", "approved", "refused", "withdrawn")
CASE_FIELDS = ("started", *STATE_FIELDS, "concluded", "on_time", "late")


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    quarter: str  # the quarter chosen, or "" for from/to dates
    unit_id: int | None
    category: str

    def query(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.quarter:
            params = {"quarter": self.quarter}
        if self.unit_id is not None:
            params["unit"] = str(self.unit_id)
        if self.category:
            params["category"] = self.category
        return params


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_filters(params: Any, allowed: set[int] | None) -> tuple[Filters, list[str]]:
    """Filters from GET parameters; a bad value falls back to the default and is reported."""
    problems: list[str] = []
    today = timezone.localdate()
    quarter = Quarter.parse(params.get("quarter", ""))
    start, end = _date(params.get("from")), _date(params.get("to"))
    if quarter is not None:
        start, end, code = quarter.start, quarter.as_of(today), quarter.code
    elif start is not None and end is not None and start <= end and (end - start).days <= MAX_SPAN_DAYS:
        code = ""
    else:
        if params.get("from") or params.get("to") or params.get("quarter"):
            problems.append(
                _("The period was not valid (at most three years, from before to): showing this quarter.")
            )
        current = Quarter.current()
        start, end, code = current.start, current.as_of(today), current.code
    unit_id: int | None = None
    raw_unit = params.get("unit", "")
    if raw_unit:
        if raw_unit.isdigit() and (allowed is None or int(raw_unit) in allowed):
            unit_id = int(raw_unit)
        else:
            problems.append(_("That unit is not one you may see: showing all of yours."))
    category = params.get("category", "")
    if category and category not in PowerCategory.values:
        problems.append(_("Unknown category: showing all."))
        category = ""
    return Filters(start, end, code, unit_id, category), problems


@dataclass
class Dashboard:
    filters: Filters
    units: list[Organisation]
    names: dict[int, str]
    cases: dict[str, int]
    open_now: dict[str, int]
    trend: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    alarms: list[dict[str, Any]]
    alarm_totals: Counter[str]
    funds: list[dict[str, Any]]
    funds_total: dict[str, int]
    ratings: list[dict[str, Any]]
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def on_time_bp(self) -> int | None:
        return ratio_bp(self.cases["on_time"], self.cases["on_time"] + self.cases["late"])

    @property
    def red_alarms(self) -> int:
        return self.alarm_totals["red"]

    @property
    def yellow_alarms(self) -> int:
        return self.alarm_totals["yellow"]

    @property
    def satisfaction_bp(self) -> int | None:
        total = sum(r["count"] for r in self.ratings)
        satisfied = sum(r["count"] for r in self.ratings if r["grade"] >= Grade.FAIRLY_SATISFIED)
        return ratio_bp(satisfied, total)


def _units(qs: QuerySet[Any], unit_ids: set[int] | None) -> QuerySet[Any]:
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


def _sums(names: tuple[str, ...]) -> dict[str, Sum]:
    return {name: Sum(name) for name in names}


def scope_units(allowed: set[int] | None) -> list[Organisation]:
    units = Organisation.objects.units().exclude(kind=OrgKind.COMMISSION).order_by("sort", "code")
    return list(units if allowed is None else units.filter(pk__in=allowed))


def _months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and the last whole month inside [start, end], or None."""
    first = start if start.day == 1 else next_month(start)
    ends_a_month = next_month(end) - dt.timedelta(days=1) == end
    after = next_month(end) if ends_a_month else end.replace(day=1)
    if after <= first:
        return None
    return first, (after - dt.timedelta(days=1)).replace(day=1)


def _split(
    daily_model: type[Model], monthly_model: type[Model], filters: Filters, units: set[int] | None
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The daily rows of the days around the period's whole months, and the monthly rows of
    those months (the all-categories rows when no category is chosen)."""
    daily = _units(daily_model._default_manager.all(), units)
    monthly = _units(monthly_model._default_manager.all(), units)
    daily = daily.filter(category=filters.category) if filters.category else daily
    monthly = monthly.filter(category=filters.category or ALL_CATEGORIES)
    months = _months(filters.start, filters.end)
    if months is None:
        return daily.filter(day__gte=filters.start, day__lte=filters.end), monthly.none()
    edges = Q(day__gte=filters.start, day__lt=months[0]) | Q(
        day__gte=next_month(months[1]), day__lte=filters.end
    )
    return daily.filter(edges), monthly.filter(month__gte=months[0], month__lte=months[1])


def _cases(filters: Filters, units: set[int] | None) -> tuple[dict[int, Counter[str]], list[dict[str, Any]]]:
    """Case counts per unit, and the trend (by day up to three months, by month beyond)."""
    daily, monthly = _split(DailyCases, MonthlyCases, filters, units)
    per_unit: dict[int, Counter[str]] = defaultdict(Counter)
    sums = {f"n_{name}": Sum(name) for name in CASE_FIELDS}
    for qs in (daily, monthly):
        for row in qs.values("unit_id").annotate(**sums).order_by():
            per_unit[row["unit_id"]].update({k: int(row[f"n_{k}"] or 0) for k in CASE_FIELDS})
    columns = {"s": Sum("started"), "c": Sum("concluded"), "l": Sum("late")}
    merged: dict[dt.date, Counter[str]] = defaultdict(Counter)
    if (filters.end - filters.start).days <= 92:
        whole = _units(DailyCases.objects.filter(day__gte=filters.start, day__lte=filters.end), units)
        if filters.category:
            whole = whole.filter(category=filters.category)
        sources = [(whole, "day")]
    else:
        sources = [(daily, "day"), (monthly, "month")]
    for qs, key in sources:
        for r in qs.values(key).annotate(**columns).order_by():
            merged[r[key]].update({"started": r["s"], "concluded": r["c"], "late": r["l"]})
    return per_unit, [{"day": day, **merged[day]} for day in sorted(merged)]


def _ratings(filters: Filters, units: set[int] | None) -> Counter[int]:
    daily, monthly = _split(DailyRatings, MonthlyRatings, filters, units)
    counts: Counter[int] = Counter()
    for qs in (daily, monthly):
        totals = qs.aggregate(**{g: Sum(g) for g in GRADE_FIELDS})
        counts.update({int(g[-1]): int(totals[g] or 0) for g in GRADE_FIELDS})
    return counts


def _alarms(
    filters: Filters, units: set[int] | None, *, full: bool
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Alarm rows (unit, kind, red, yellow) and the red and yellow totals. A page needs the rows
    of its heat map's units only: one query per unit first, then the kinds of the top units."""
    period = _units(DailyAlarms.objects.filter(day__gte=filters.start, day__lte=filters.end), units)
    totals: Counter[str] = Counter()
    if not full:
        per_unit = (
            period.values("unit_id")
            .annotate(
                red=Sum("raised", filter=Q(level=AlarmLevel.RED)),
                yellow=Sum("raised", filter=Q(level=AlarmLevel.YELLOW)),
            )
            .order_by()
        )
        ranked = sorted(per_unit, key=lambda r: (-(r["red"] or 0) - (r["yellow"] or 0), r["unit_id"]))
        for row in ranked:
            totals.update({"red": row["red"] or 0, "yellow": row["yellow"] or 0})
        period = period.filter(unit_id__in=[r["unit_id"] for r in ranked[:HEAT_MAP_UNITS]])
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for row in period.values("unit_id", "kind", "level").annotate(n=Sum("raised")).order_by():
        entry = rows.setdefault(
            (row["unit_id"], row["kind"]),
            {"unit_id": row["unit_id"], "kind": row["kind"], "red": 0, "yellow": 0},
        )
        level = "red" if row["level"] == AlarmLevel.RED else "yellow"
        entry[level] += row["n"]
        if full:
            totals[level] += row["n"]
    ordered = sorted(rows.values(), key=lambda r: (-r["red"] - r["yellow"], r["unit_id"], r["kind"]))
    return ordered, totals


def build(
    filters: Filters, allowed: set[int] | None, units: list[Organisation] | None = None, *, full: bool = False
) -> Dashboard:
    """Every figure of a dashboard for the viewer's units `allowed` (None: the whole district).

    `full` reads every alarm row (the exports); a page reads those of its heat map only.
    """
    units = scope_units(allowed) if units is None else units
    chosen = {filters.unit_id} if filters.unit_id is not None else allowed
    open_qs = _units(OpenCases.objects.all(), chosen)
    if filters.category:
        open_qs = open_qs.filter(category=filters.category)
    now = open_qs.aggregate(**_sums(("open", "suspended", "overdue")))
    per_unit, trend = _cases(filters, chosen)
    cases = {name: sum(row[name] for row in per_unit.values()) for name in CASE_FIELDS}
    by_unit = sorted(
        (
            {
                "unit_id": unit_id,
                "started": row["started"],
                "concluded": row["concluded"],
                "on_time": row["on_time"],
                "late": row["late"],
                "on_time_bp": ratio_bp(row["on_time"], row["on_time"] + row["late"]),
            }
            for unit_id, row in per_unit.items()
        ),
        key=lambda r: (-int(r["started"] or 0), int(r["unit_id"] or 0)),
    )
    alarms, alarm_totals = _alarms(filters, chosen, full=full)
    money = ("paid_fen", "payments", "blocked", "saved_fen")
    funds = [
        {"unit_id": row["unit_id"], **{k: int(row[k] or 0) for k in money}}
        for row in _units(DailyFunds.objects.filter(day__gte=filters.start, day__lte=filters.end), chosen)
        .values("unit_id")
        .annotate(**_sums(money))
        .order_by("-paid_fen", "unit_id")
    ]
    # Funds under supervision: every contract put under control up to the period's end.
    stock = _units(DailyFunds.objects.filter(day__lte=filters.end), chosen).aggregate(s=Sum("contracts_fen"))[
        "s"
    ]
    funds_total = {"supervised_fen": int(stock or 0), **{k: sum(r[k] for r in funds) for k in money}}
    ratings = _ratings(filters, chosen)
    return Dashboard(
        filters=filters,
        units=units,
        names={u.pk: u.name for u in units},
        cases=cases,
        open_now={k: int(now[k] or 0) for k in ("open", "suspended", "overdue")},
        trend=trend,
        by_unit=by_unit,
        alarms=alarms,
        alarm_totals=alarm_totals,
        funds=funds,
        funds_total=funds_total,
        ratings=[{"grade": int(g), "label": str(g.label), "count": ratings.get(int(g), 0)} for g in Grade],
    )


def heat_map(dashboard: Dashboard) -> tuple[list[int], list[str], list[list[int]]]:
    """(units, kinds, [[kind index, unit index, count]]): the units with most alarms first."""
    per_unit: dict[int, int] = defaultdict(int)
    for row in dashboard.alarms:
        per_unit[row["unit_id"]] += row["red"] + row["yellow"]
    units = sorted(per_unit, key=lambda u: (-per_unit[u], u))[:HEAT_MAP_UNITS]
    kinds = [k for k in AlarmKind.values if any(r["kind"] == k for r in dashboard.alarms)]
    cells = [
        [kinds.index(r["kind"]), units.index(r["unit_id"]), r["red"] + r["yellow"]]
        for r in dashboard.alarms
        if r["unit_id"] in units
    ]
    return units, kinds, cells


def trend_points(dashboard: Dashboard) -> list[dict[str, Any]]:
    """By day for up to three months, by month beyond."""
    if (dashboard.filters.end - dashboard.filters.start).days <= 92:
        return [{**row, "label": row["day"].isoformat()} for row in dashboard.trend]
    months: dict[str, dict[str, Any]] = {}
    for row in dashboard.trend:
        label = row["day"].strftime("%Y-%m")
        entry = months.setdefault(label, {"label": label, "started": 0, "concluded": 0, "late": 0})
        for key in ("started", "concluded", "late"):
            entry[key] += row[key]
    return list(months.values())
