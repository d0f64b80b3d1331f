"""The calendar answers from memory, and learns of changes: its own at once, others' within seconds."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

from django.db import transaction

from sunlight.calendars import workdays
from sunlight.calendars.actions import enter_arrangement
from sunlight.calendars.models import (
    ArrangementDay,
    CalendarRevision,
    DayKind,
    HolidayArrangement,
    YearStatus,
)
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, D, days_2027
from sunlight.calendars.workdays import (
    add_calendar_days,
    add_workdays,
    is_workday,
    workdays_between,
    year_status,
)


def later(seconds: float) -> Any:
    """A clock `seconds` ahead, as the cache sees it."""
    ahead = time.monotonic() + seconds
    return mock.patch.object(workdays, "_clock", lambda: ahead)


class CacheTests(CalendarTestCase):
    def test_it_asks_the_database_nothing_after_warm_up(self) -> None:
        add_workdays(D(2026, 9, 1), 30)
        with self.assertNumQueries(0):
            for start in range(1, 29):
                add_workdays(D(2026, 9, start), 30, suspended=[(D(2026, 10, 12), D(2026, 10, 14))])
            add_calendar_days(D(2026, 9, 24), 7)
            workdays_between(D(2026, 1, 1), D(2026, 12, 31))
            is_workday(D(2026, 10, 1))
            year_status(2026)

    def test_it_sees_another_process_change_within_the_recheck_delay(self) -> None:
        self.assertEqual(year_status(2027), YearStatus.FALLBACK)
        # Another process enters 2027 (rows written behind this process's back).
        arrangement = HolidayArrangement.objects.create(year=2027, source=SOURCE_2027)
        ArrangementDay.objects.create(arrangement=arrangement, date=D(2027, 1, 1), kind=DayKind.HOLIDAY)
        CalendarRevision.objects.create(token="elsewhere")
        with self.assertNumQueries(0):
            self.assertEqual(year_status(2027), YearStatus.FALLBACK)  # still trusted for a moment
        with later(workdays.RECHECK_SECONDS + 1), self.assertNumQueries(3):  # token, years, days
            self.assertEqual(year_status(2027), YearStatus.LOADED)
            self.assertFalse(is_workday(D(2027, 1, 1)))

    def test_it_rereads_only_the_token_when_nothing_changed(self) -> None:
        year_status(2026)
        with later(workdays.RECHECK_SECONDS + 1), self.assertNumQueries(1):
            year_status(2026)

    def test_it_sees_its_own_save_at_once(self) -> None:
        self.assertEqual(year_status(2027), YearStatus.FALLBACK)
        enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        self.assertEqual(year_status(2027), YearStatus.LOADED)

    def test_it_forgets_a_save_that_was_rolled_back(self) -> None:
        self.assertTrue(is_workday(D(2027, 1, 1)))
        with self.assertRaises(RuntimeError), transaction.atomic():
            enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
            self.assertFalse(is_workday(D(2027, 1, 1)))
            raise RuntimeError("rolled back")
        self.assertTrue(is_workday(D(2027, 1, 1)))
        self.assertEqual(year_status(2027), YearStatus.FALLBACK)

    def test_it_shares_a_committed_save_and_then_asks_nothing_again(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        self.assertFalse(is_workday(D(2027, 1, 1)))
        with self.assertNumQueries(0):
            add_workdays(D(2027, 9, 28), 10)
