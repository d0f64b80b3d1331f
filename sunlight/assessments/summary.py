"""Keeping the summary tables current: follow the ledger, recount what it shows was touched.

The ledger numbers every action without gaps, so reading `seq > bookmark` (its primary key)
costs only the new leaves, whatever the size of the case tables. For each stretch of leaves:

- cases touched: their facts are recomputed and the difference applied (facts.py);
- alarms raised, ratings given or appealed: their (day, unit) rows are counted again;
- anything about funds: the (small) fund rows are counted again;
- the "open now" snapshot is counted again from the open facts (a partial index).

The bookmark moves in the same transaction as the rows it led to; on PostgreSQL it is claimed
with FOR UPDATE SKIP LOCKED, so two timer nodes never count the same stretch at once, and
everything is idempotent anyway. `rebuild()` recounts everything from the source tables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from sunlight.alarms.models import Alarm, AlarmLevel
from sunlight.assessments import facts
from sunlight.assessments.models import (
    ALL_CATEGORIES,
    GRADE_FIELDS,
    OPEN_FACT_STATES,
    CaseDays,
    CaseFact,
    DailyAlarms,
    DailyCases,
    DailyFunds,
    DailyRatings,
    MonthlyCases,
    MonthlyRatings,
    OpenCases,
    StepDays,
    SummaryMark,
)
from sunlight.assessments.periods import datetime_range, next_month
from sunlight.cases.models import Case, CaseState
from sunlight.funds.models import ChangeOrder, ChangeState, Contract, Payment
from sunlight.ledger.models import Leaf
from sunlight.ratings.models import Appeal, Rating

MARK = "assessments.summaries"
BATCH = 5000
CHUNK = 1000
LEVELS = (AlarmLevel.RED, AlarmLevel.YELLOW)
CASE_COLUMNS = ("started", *sorted(facts.STATE_COLUMNS), "concluded", "on_time", "late")


def _claim() -> SummaryMark | None:
    SummaryMark.objects.get_or_create(name=MARK)
    marks = SummaryMark.objects.filter(name=MARK)
    if connection.vendor == "postgresql":
        return marks.select_for_update(skip_locked=True).first()
    return marks.select_for_update().first()


def refresh(batch: int = BATCH) -> int:
    """Count what the ledger shows since the bookmark; returns how many leaves were read."""
    read = 0
    while True:
        with transaction.atomic():
            mark = _claim()
            if mark is None:
                return read  # another node is counting
            leaves = list(
                Leaf.objects.filter(seq__gt=mark.position)
                .order_by("seq")
                .values_list("seq", "action", "object_type", "object_id")[:batch]
            )
            today = timezone.localdate()
            touched: set[int] = set()
            if leaves:
                touched = _count(leaves, today)
                mark.position = leaves[-1][0]
            # Cases fall overdue at midnight without any action: the whole snapshot is counted
            # again on the first round of a day, and the units of touched cases on every round.
            stale = mark.updated_at is None or timezone.localdate(mark.updated_at) != today
            if stale or touched:
                _count_open(today, None if stale else touched)
            if leaves or stale:
                mark.updated_at = timezone.now()
                mark.save(update_fields=["position", "updated_at"])
        read += len(leaves)
        if len(leaves) < batch:
            return read


def _ids(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _count(leaves: list[tuple[int, str, str, str]], today: dt.date) -> set[int]:
    """Count what these leaves touched; returns the units whose cases changed."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for _seq, _action, object_type, object_id in leaves:
        by_type[object_type].append(object_id)
    units: set[int] = set()
    cases = _ids(by_type.get("cases.case", []))
    if cases:
        units = _count_cases(cases, today)
    alarms = _ids(by_type.get("alarms.alarm", []))
    if alarms:
        _recount_alarms(_alarm_keys(alarms))
    ratings = _ids(by_type.get("ratings.rating", []))
    ratings |= set(
        Appeal.objects.filter(pk__in=_ids(by_type.get("ratings.appeal", []))).values_list(
            "rating_id", flat=True
        )
    )
    if ratings:
        _recount_ratings(_rating_keys(ratings))
    if any(object_type.startswith("funds.") for object_type in by_type):
        _recount_funds()
    return units


# --------------------------------------------------------------------------------------- cases


def _count_cases(case_ids: set[int], today: dt.date) -> set[int]:
    """Recount these cases' facts and apply the differences; returns the units concerned."""
    units: set[int] = set()
    ids = sorted(case_ids)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        new = facts.build_many(chunk, today)
        old = CaseFact.objects.in_bulk(chunk)
        deltas = facts.Deltas()
        changed: list[CaseFact] = []
        for pk in chunk:
            if facts.same(old.get(pk), new.get(pk)):
                continue
            deltas.change(old.get(pk), new.get(pk))
            units |= {f.unit_id for f in (old.get(pk), new.get(pk)) if f is not None}
            if pk in new:
                changed.append(new[pk])
        if not changed:
            continue
        CaseFact.objects.filter(pk__in=[f.pk for f in changed]).delete()
        CaseFact.objects.bulk_create(changed)
        _apply(deltas)
    return units


def _add_to(model: type[Model], keys: tuple[str, ...], deltas: Mapping[Any, Counter[str]]) -> None:
    """Add `deltas` to the rows of `model` with these key values, creating missing rows."""
    wanted = {key: delta for key, delta in deltas.items() if any(delta.values())}
    if not wanted:
        return
    filters = {f"{name}__in": {key[i] for key in wanted} for i, name in enumerate(keys)}
    existing = {
        tuple(getattr(row, name) for name in keys): row for row in model._default_manager.filter(**filters)
    }
    fields: set[str] = set()
    created = []
    for key, delta in wanted.items():
        row = existing.get(key)
        if row is None:
            row = model(**dict(zip(keys, key, strict=True)))
            created.append(row)
        for field, change in delta.items():
            setattr(row, field, (getattr(row, field) or 0) + change)
            fields.add(field)
    updated = [row for key, row in existing.items() if key in wanted]
    if updated:
        model._default_manager.bulk_update(updated, sorted(fields), batch_size=500)
    if created:
        model._default_manager.bulk_create(created, batch_size=500)


def _apply(deltas: facts.Deltas) -> None:
    _add_to(DailyCases, ("day", "unit_id", "category"), deltas.cases)
    months: dict[tuple[dt.date, int, str], Counter[str]] = defaultdict(Counter)
    for (day, unit, category), delta in deltas.cases.items():
        months[(day.replace(day=1), unit, category)].update(delta)
        months[(day.replace(day=1), unit, ALL_CATEGORIES)].update(delta)
    _add_to(MonthlyCases, ("month", "unit_id", "category"), months)
    _add_to(
        StepDays, ("definition_id", "node_id", "days"), {k: Counter(steps=v) for k, v in deltas.steps.items()}
    )
    _add_to(
        CaseDays,
        ("definition_id", "days", "on_time"),
        {k: Counter(cases=v) for k, v in deltas.totals.items()},
    )


def _count_open(today: dt.date, units: set[int] | None = None) -> None:
    """The snapshot of cases open now (of these units; None: all), from the open facts
    (through their partial index)."""
    counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    open_facts = CaseFact.objects.filter(state__in=OPEN_FACT_STATES)
    snapshot = OpenCases.objects.all()
    if units is not None:
        open_facts, snapshot = open_facts.filter(unit_id__in=units), snapshot.filter(unit_id__in=units)
    for unit_id, category, state, due in open_facts.values_list("unit_id", "category", "state", "due_date"):
        row = counts[(unit_id, category)]
        row["open"] += 1
        if state == CaseState.SUSPENDED:
            row["suspended"] += 1
        elif due < today:
            row["overdue"] += 1
    snapshot.delete()
    OpenCases.objects.bulk_create(
        [OpenCases(unit_id=u, category=c, **row) for (u, c), row in counts.items()], batch_size=500
    )


# --------------------------------------------------------------------------- alarms, ratings


def _alarm_keys(alarm_ids: set[int]) -> set[tuple[dt.date, int]]:
    return {
        (timezone.localdate(raised), unit)
        for unit, raised in Alarm.objects.filter(pk__in=alarm_ids, unit__isnull=False).values_list(
            "unit_id", "raised_at"
        )
    }


def _by_day(keys: set[tuple[dt.date, int]]) -> dict[dt.date, set[int]]:
    days: dict[dt.date, set[int]] = defaultdict(set)
    for day, unit in keys:
        days[day].add(unit)
    return days


def _recount_alarms(keys: set[tuple[dt.date, int]]) -> None:
    for day, units in _by_day(keys).items():
        first, after = datetime_range(day, day)
        counts: Counter[tuple[int, str, str]] = Counter(
            Alarm.objects.filter(
                unit_id__in=units, level__in=LEVELS, raised_at__gte=first, raised_at__lt=after
            )
            .values_list("unit_id", "kind", "level")
            .iterator()
        )
        DailyAlarms.objects.filter(day=day, unit_id__in=units).delete()
        DailyAlarms.objects.bulk_create(
            [DailyAlarms(day=day, unit_id=u, kind=k, level=lv, raised=n) for (u, k, lv), n in counts.items()]
        )


def _rating_keys(rating_ids: set[int]) -> set[tuple[dt.date, int]]:
    keys = set()
    for unit, rated, previous in Rating.objects.filter(pk__in=rating_ids).values_list(
        "unit_id", "rated_at", "previous__rated_at"
    ):
        keys.add((timezone.localdate(rated), unit))
        if previous is not None:  # a re-rating stops its predecessor from counting
            keys.add((timezone.localdate(previous), unit))
    return keys


def _rating_rows(counts: Counter[tuple[dt.date, int, str, int]]) -> list[DailyRatings]:
    rows: dict[tuple[dt.date, int, str], DailyRatings] = {}
    for (day, unit, category, grade), n in counts.items():
        row = rows.setdefault((day, unit, category), DailyRatings(day=day, unit_id=unit, category=category))
        setattr(row, f"grade_{grade}", n)
    return list(rows.values())


def _recount_rating_months(units: set[int], months: set[dt.date]) -> None:
    """Monthly rating rows (and their all-categories rows) from the daily rows of those months."""
    for month in months:
        days = DailyRatings.objects.filter(day__gte=month, day__lt=next_month(month), unit_id__in=units)
        totals: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        for row in days.values("unit_id", "category", *GRADE_FIELDS):
            counts = Counter({g: row[g] for g in GRADE_FIELDS})
            totals[(row["unit_id"], row["category"])].update(counts)
            totals[(row["unit_id"], ALL_CATEGORIES)].update(counts)
        MonthlyRatings.objects.filter(month=month, unit_id__in=units).delete()
        MonthlyRatings.objects.bulk_create(
            [
                MonthlyRatings(month=month, unit_id=u, category=c, **counts)
                for (u, c), counts in totals.items()
            ],
            batch_size=500,
        )


def _recount_ratings(keys: set[tuple[dt.date, int]]) -> None:
    for day, units in _by_day(keys).items():
        first, after = datetime_range(day, day)
        rows = list(
            Rating.objects.counted()
            .filter(unit_id__in=units, rated_at__gte=first, rated_at__lt=after)
            .values_list("unit_id", "case__definition__power_code", "grade")
        )
        kinds = facts.categories(code for _u, code, _g in rows)
        counts = Counter((day, u, kinds.get(code, ""), g) for u, code, g in rows)
        DailyRatings.objects.filter(day=day, unit_id__in=units).delete()
        DailyRatings.objects.bulk_create(_rating_rows(counts))
    for month, units in _by_day({(day.replace(day=1), unit) for day, unit in keys}).items():
        _recount_rating_months(units, {month})


def _recount_all_ratings() -> None:
    rows = list(
        Rating.objects.counted().values_list("unit_id", "case__definition__power_code", "grade", "rated_at")
    )
    kinds = facts.categories(code for _u, code, _g, _r in rows)
    counts = Counter((timezone.localdate(r), u, kinds.get(code, ""), g) for u, code, g, r in rows)
    DailyRatings.objects.all().delete()
    MonthlyRatings.objects.all().delete()
    DailyRatings.objects.bulk_create(_rating_rows(counts), batch_size=500)
    for month, units in _by_day({(day.replace(day=1), unit) for day, unit, _c, _g in counts}).items():
        _recount_rating_months(units, {month})


def _recount_all_alarms() -> None:
    counts: Counter[tuple[dt.date, int, str, str]] = Counter(
        (timezone.localdate(raised), unit, kind, level)
        for unit, kind, level, raised in Alarm.objects.filter(unit__isnull=False, level__in=LEVELS)
        .values_list("unit_id", "kind", "level", "raised_at")
        .iterator()
    )
    DailyAlarms.objects.all().delete()
    DailyAlarms.objects.bulk_create(
        [DailyAlarms(day=d, unit_id=u, kind=k, level=lv, raised=n) for (d, u, k, lv), n in counts.items()],
        batch_size=500,
    )


# ---------------------------------------------------------------------------------------- funds


def _recount_funds() -> None:
    """Fund rows are few (a district has dozens of projects): counted again whole."""
    rows: dict[tuple[dt.date, Any], Counter[str]] = defaultdict(Counter)
    for day, unit, amount in Payment.objects.values_list(
        "paid_on", "request__contract__project__unit_id", "amount_fen"
    ):
        rows[(day, unit)]["payments"] += 1
        rows[(day, unit)]["paid_fen"] += amount
    for activated, unit, price in Contract.objects.filter(activated_at__isnull=False).values_list(
        "activated_at", "project__unit_id", "price_fen"
    ):
        key = (timezone.localdate(activated), unit)
        rows[key]["contracts"] += 1
        rows[key]["contracts_fen"] += price
    for decided, submitted, unit, amount in ChangeOrder.objects.filter(state=ChangeState.BLOCKED).values_list(
        "decided_at", "submitted_at", "contract__project__unit_id", "amount_fen"
    ):
        key = (timezone.localdate(decided or submitted), unit)
        rows[key]["blocked"] += 1
        rows[key]["saved_fen"] += amount
    DailyFunds.objects.all().delete()
    DailyFunds.objects.bulk_create(
        [DailyFunds(day=d, unit_id=u, **counts) for (d, u), counts in rows.items()], batch_size=500
    )


# -------------------------------------------------------------------------------------- rebuild


def rebuild() -> int:
    """Recount every summary from the source tables; returns the number of cases counted."""
    today = timezone.localdate()
    counted = 0
    with transaction.atomic():
        SummaryMark.objects.get_or_create(name=MARK)
        mark = SummaryMark.objects.select_for_update().get(name=MARK)
        head = Leaf.objects.aggregate(m=Max("seq"))["m"]
        for model in (CaseFact, DailyCases, MonthlyCases, StepDays, CaseDays, OpenCases):
            model.objects.all().delete()
        ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        for first in range(0, len(ids), CHUNK):
            built = facts.build_many(ids[first : first + CHUNK], today)
            deltas = facts.Deltas()
            for fact in built.values():
                deltas.add(fact, +1)
            CaseFact.objects.bulk_create(list(built.values()), batch_size=500)
            _apply(deltas)
            counted += len(built)
        _recount_all_alarms()
        _recount_all_ratings()
        _recount_funds()
        _count_open(today)
        mark.position = -1 if head is None else head
        mark.updated_at = timezone.now()
        mark.save(update_fields=["position", "updated_at"])
    return counted
