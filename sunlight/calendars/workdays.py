"""Working-day arithmetic for the process engine (invariant 5: time is counted in working days).

Where a year's days come from (`year_status`):

- LOADED: an administrator entered the State Council's notice (`HolidayArrangement`). It replaces
  the package's data for that year as a whole, so a wrong default day can be corrected too.
- DEFAULT: `chinese-calendar` (pinned) knows the year.
- FALLBACK: nobody knows it: Monday–Friday are working days, every result that used such a year is
  provisional, and a system alarm asks an administrator to load the year, once per year.

Caching. The engine asks for every step, so nothing here queries the database in the steady
state. The whole arrangement table (a few dozen rows a year) is held in memory per process, each
year expanded into a byte per day plus running counts. Staleness across processes (web workers,
`runtimers` on several nodes) is detected through `CalendarRevision`: one row whose random token
every save replaces, read at most every `RECHECK_SECONDS`. So another process sees an
administrator's change within that delay, at the cost of one primary-key read per process per
delay; an arrangement is entered once a year, and a due date is normally months away, so a few
seconds of staleness cannot move a deadline that matters.

The thread that saves sees its change at once, even before it commits, because the `on_year_loaded`
listeners run in the saving transaction and must compute with the new year: until the commit,
that thread keeps a private copy, checked against the token on every call. Uncommitted data never
enters the shared cache, so a rollback (or a test's rollback) cannot leave a calendar that never
existed behind. Races between threads only cost a duplicate load: snapshots are immutable and
every token check replaces a stale one.

Tests that pretend to commit (`captureOnCommitCallbacks(execute=True)`) and then roll back should
call `reset()` afterwards.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from chinese_calendar import constants as package_data
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.calendars.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ArrangementDay,
    CalendarRevision,
    DayKind,
    HolidayArrangement,
    YearStatus,
)

__all__ = [
    "DueDate",
    "YearDays",
    "YearStatus",
    "add_calendar_days",
    "add_workdays",
    "calendar_of",
    "is_workday",
    "on_year_loaded",
    "workdays_between",
    "year_status",
]

log = logging.getLogger("sunlight.calendars")

# How long a process trusts its cached calendar before re-reading the revision token.
RECHECK_SECONDS = 5.0
_clock: Callable[[], float] = time.monotonic  # replaced in tests to step past the delay
ONE_DAY = dt.timedelta(days=1)
Interval = tuple[dt.date, dt.date]

# The package's holiday names, translatable for display.
PACKAGE_NAMES: dict[str, Promise] = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"),
    "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-Autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("70th anniversary of the victory over fascism"),
}


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool  # True when a year it crossed had no data (the weekends-only fallback was used)


@dataclass(frozen=True)
class YearDays:
    """One year's working days: a byte per day and running counts, built once per cache."""

    year: int
    status: YearStatus
    # The holidays and make-up workdays in effect, with their names.
    marked: Mapping[dt.date, tuple[DayKind, str | Promise]]
    first_ordinal: int
    flags: bytes
    # before[i]: working days among the first i days of the year.
    before: tuple[int, ...]

    def is_workday(self, day: dt.date) -> bool:
        return self.flags[day.toordinal() - self.first_ordinal] == 1

    def through(self, day: dt.date) -> int:
        """Working days from 1 January through `day`."""
        return self.before[day.toordinal() - self.first_ordinal + 1]

    @property
    def working_days(self) -> int:
        return self.before[-1]

    def kind_of(self, day: dt.date) -> DayKind | None:
        found = self.marked.get(day)
        return found[0] if found else None


def _build(
    year: int, status: YearStatus, marked: Mapping[dt.date, tuple[DayKind, str | Promise]]
) -> YearDays:
    first = dt.date(year, 1, 1)
    length = (dt.date(year + 1, 1, 1) - first).days if year < 9999 else 365
    flags = bytearray(length)
    before = [0] * (length + 1)
    for i in range(length):
        day = first + dt.timedelta(days=i)
        entry = marked.get(day)
        working = entry[0] == DayKind.MAKEUP_WORKDAY if entry else day.weekday() < 5
        flags[i] = working
        before[i + 1] = before[i] + working
    return YearDays(year, status, dict(marked), first.toordinal(), bytes(flags), tuple(before))


@functools.cache
def _package_years() -> dict[int, dict[dt.date, tuple[DayKind, str | Promise]]]:
    """chinese-calendar's days grouped by year (its tables are keyed by date)."""
    by_year: dict[int, dict[dt.date, tuple[DayKind, str | Promise]]] = {}
    for kind, table in (
        (DayKind.HOLIDAY, package_data.holidays),
        (DayKind.MAKEUP_WORKDAY, package_data.workdays),
    ):
        for day, name in table.items():
            by_year.setdefault(day.year, {})[day] = (kind, PACKAGE_NAMES.get(str(name), str(name)))
    return by_year


@dataclass
class _Snapshot:
    """The calendar as of one revision token: admin arrangements, and years expanded lazily."""

    token: str
    loaded: dict[int, dict[dt.date, tuple[DayKind, str | Promise]]]
    years: dict[int, YearDays] = field(default_factory=dict)

    def status(self, year: int) -> YearStatus:
        if year in self.loaded:
            return YearStatus.LOADED
        if year in _package_years():
            return YearStatus.DEFAULT
        return YearStatus.FALLBACK

    def year(self, year: int) -> YearDays:
        found = self.years.get(year)
        if found is None:
            status = self.status(year)
            if status == YearStatus.LOADED:
                marked = self.loaded[year]
            elif status == YearStatus.DEFAULT:
                marked = _package_years()[year]
            else:
                marked = {}
            found = self.years[year] = _build(year, status, marked)
        return found


class _ThreadState(threading.local):
    # The token this thread wrote in a transaction not yet known to be committed, and this
    # connection's view of the calendar while it is so (see the module docstring).
    tentative: str | None = None
    snapshot: _Snapshot | None = None


_local = _ThreadState()
_shared: _Snapshot | None = None
_checked_at = float("-inf")
# Years whose CALENDAR_MISSING alarm is known to be committed (this process never asks again).
_alarmed: set[int] = set()
_listeners: list[Callable[[int], None]] = []


def _read_token() -> str:
    return CalendarRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _load(token: str) -> _Snapshot:
    loaded: dict[int, dict[dt.date, tuple[DayKind, str | Promise]]] = {
        year: {} for year in HolidayArrangement.objects.values_list("year", flat=True)
    }
    rows = ArrangementDay.objects.values_list("arrangement__year", "date", "kind", "name")
    for year, day, kind, name in rows:
        loaded.setdefault(year, {})[day] = (DayKind(kind), name)
    return _Snapshot(token, loaded)


def _snapshot() -> _Snapshot:
    global _shared, _checked_at
    if _local.tentative is not None:
        token = _read_token()
        if token == _local.tentative:
            own = _local.snapshot
            if own is None:
                own = _local.snapshot = _load(token)
            return own
        # The write was rolled back (or replaced since): back to the shared view.
        _local.tentative = None
        _local.snapshot = None
    snapshot = _shared
    now = _clock()
    if snapshot is not None and now - _checked_at < RECHECK_SECONDS:
        return snapshot
    # The token is read before the rows: a change committed in between gives newer rows under
    # an older token, which the next check replaces. Never the other way round.
    token = _read_token()
    if snapshot is None or snapshot.token != token:
        snapshot = _shared = _load(token)
    _checked_at = now
    return snapshot


def _year(year: int, snapshot: _Snapshot) -> YearDays:
    days = snapshot.year(year)
    if days.status == YearStatus.FALLBACK:
        _alarm_missing(year)
    return days


def _alarm_missing(year: int) -> None:
    """Invariant 5: a computation that reaches a year without data raises a system alarm."""
    if year in _alarmed or not FIRST_YEAR <= year <= LAST_YEAR:
        return  # years outside the range cannot be entered: asking for them would be noise
    if year > timezone.localdate().year + 1:
        # No notice exists yet for a year after next (the State Council publishes next year's in
        # the autumn), so nobody could act on the alarm. The result is still provisional, and
        # the alarm comes once the year is next year and a computation reaches it.
        return
    from sunlight.alarms.actions import raise_alarm
    from sunlight.alarms.models import AlarmKind, AlarmLevel
    from sunlight.ledger.actor import Actor

    raise_alarm(
        Actor.system(),
        kind=AlarmKind.CALENDAR_MISSING,
        level=AlarmLevel.SYSTEM,
        message=_(
            "No working-day calendar is loaded for %(year)s: time limits reaching %(year)s count "
            "Monday to Friday as working days and are provisional. Enter the State Council's "
            "holiday arrangement for %(year)s."
        )
        % {"year": year},
        dedupe_key=f"calendar-missing:{year}",
        subject=("calendars.year", year),
    )
    # Remembered only once the alarm is committed (at once outside a transaction): if the
    # caller's transaction rolls back, the alarm goes with it and the next computation raises
    # it again. Until then each call costs one lookup by the alarm's unique key.
    transaction.on_commit(functools.partial(_alarmed.add, year))


def _merge(suspended: Iterable[Interval]) -> list[Interval]:
    """Suspension intervals (inclusive) sorted, with overlapping and adjacent ones joined."""
    merged: list[Interval] = []
    for start, end in sorted(suspended):
        if end < start:
            raise ValueError(f"suspension ends before it starts: {start} – {end}")
        if merged and (merged[-1][1] == dt.date.max or start <= merged[-1][1] + ONE_DAY):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _count(snapshot: _Snapshot, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], start < end."""
    total = 0
    for year in range(start.year, end.year + 1):
        days = _year(year, snapshot)
        last = end if year == end.year else dt.date(year, 12, 31)
        total += days.through(last)
        if year == start.year:
            total -= days.through(start)
    return total


# ----------------------------------------------------------------------------- the engine's API


def year_status(year: int) -> YearStatus:
    return _snapshot().status(year)


def calendar_of(year: int) -> YearDays:
    """A year's days for display (pages, API): no alarm, since nothing is being computed."""
    return _snapshot().year(year)


def is_workday(day: dt.date) -> bool:
    """True when `day` (a local date) is a working day."""
    return _year(day.year, _snapshot()).is_workday(day)


def add_workdays(start: dt.date, days: int, *, suspended: Iterable[Interval] = ()) -> DueDate:
    """The `days`-th working day after `start` (start itself not counted; days=0 gives start).

    Days inside a suspension interval (inclusive) are not counted: 行政许可法 §45, the clock stops
    while the application is with an expert, a hearing, an inspection.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    stops = _merge(suspended)
    snapshot = _snapshot()
    if not stops:
        return _add_without_stops(start, days, snapshot)
    provisional = False
    current: YearDays | None = None
    day, counted, stop = start, 0, 0
    try:
        while counted < days:
            day += ONE_DAY
            while stop < len(stops) and stops[stop][1] < day:
                stop += 1
            if stop < len(stops) and stops[stop][0] <= day:
                day = stops[stop][1]  # jump to the suspension's last day; the loop steps past it
                continue
            if current is None or current.year != day.year:
                current = _year(day.year, snapshot)
                provisional |= current.status == YearStatus.FALLBACK
            counted += current.is_workday(day)
    except OverflowError:
        raise ValueError("the period never ends: a suspension has no end") from None
    return DueDate(day, provisional)


def _add_without_stops(start: dt.date, days: int, snapshot: _Snapshot) -> DueDate:
    """`add_workdays` with nothing suspended (nearly every step opened): found in each year's
    running counts by bisection instead of a day at a time. Visits the same years, so the same
    ones are provisional and alarmed."""
    day, remaining, provisional = start, days, False
    try:
        while remaining:
            first = day + ONE_DAY
            year = _year(first.year, snapshot)
            provisional |= year.status == YearStatus.FALLBACK
            # Working days of the year before `first`, plus those still to count.
            target = year.before[first.toordinal() - year.first_ordinal] + remaining
            if target <= year.working_days:
                found = bisect.bisect_left(year.before, target)
                return DueDate(dt.date.fromordinal(year.first_ordinal + found - 1), provisional)
            remaining = target - year.working_days
            day = dt.date(first.year, 12, 31)
    except OverflowError:
        raise ValueError("the period never ends: it runs past the last date there is") from None
    return DueDate(day, provisional)


def add_calendar_days(start: dt.date, days: int) -> DueDate:
    """`start` plus `days` calendar days; a last day that is not a working day moves to the next one.

    The usual rule for legal periods (e.g. 民事诉讼法 §85): 期间届满的最后一日是法定节假日的，以节假日后的
    第一日为期间届满的日期.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    snapshot = _snapshot()
    day = start + dt.timedelta(days=days)
    provisional = False
    while True:
        current = _year(day.year, snapshot)
        provisional |= current.status == YearStatus.FALLBACK
        while day.year == current.year:
            if current.is_workday(day):
                return DueDate(day, provisional)
            day += ONE_DAY


def workdays_between(start: dt.date, end: dt.date, *, suspended: Iterable[Interval] = ()) -> int:
    """Working days in (start, end], not counting suspended days; negative when end < start."""
    if end < start:
        return -workdays_between(end, start, suspended=suspended)
    if end == start:
        return 0
    snapshot = _snapshot()
    total = _count(snapshot, start, end)
    for first, last in _merge(suspended):
        low = start if first <= start else first - ONE_DAY
        high = min(last, end)
        if low < high:
            total -= _count(snapshot, low, high)
    return total


def on_year_loaded(listener: Callable[[int], None]) -> None:
    """Call `listener(year)` after an arrangement for `year` is entered or edited.

    Listeners run inside the saving transaction, after the calendar already answers with the new
    year, so that what they recompute (provisional due dates) commits together with it; an
    exception in a listener rolls the save back.
    """
    if listener not in _listeners:
        _listeners.append(listener)


# ----------------------------------------------------------------------------- for the actions


def record_change(year: int) -> None:
    """Called by the actions, in their transaction, after an arrangement's rows are written."""
    if not connection.in_atomic_block:
        raise RuntimeError("calendars.workdays.record_change must run inside the saving transaction")
    token = uuid.uuid4().hex
    CalendarRevision.objects.bulk_create(
        [CalendarRevision(pk=1, token=token, changed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token", "changed_at"],
    )
    _local.tentative = token
    _local.snapshot = None
    transaction.on_commit(functools.partial(_committed, token))
    for listener in list(_listeners):
        listener(year)


def _committed(token: str) -> None:
    global _checked_at
    if _local.tentative == token:
        _local.tentative = None
        _local.snapshot = None
    _checked_at = float("-inf")  # every thread of this process re-reads the token on its next call


def reset() -> None:
    """Forget everything cached in this process (tests; a restored database)."""
    global _shared, _checked_at
    _shared = None
    _checked_at = float("-inf")
    _local.tentative = None
    _local.snapshot = None
    _alarmed.clear()
