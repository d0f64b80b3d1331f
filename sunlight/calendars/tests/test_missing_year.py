"""A year nobody knows (2027): weekends-only fallback, provisional results, one alarm, then loading it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import transaction

from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.calendars import workdays
from sunlight.calendars.actions import enter_arrangement
from sunlight.calendars.models import YearStatus
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, D, days_2027
from sunlight.calendars.workdays import (
    DueDate,
    add_calendar_days,
    add_workdays,
    is_workday,
    workdays_between,
    year_status,
)

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


def missing_alarms() -> list[Alarm]:
    return list(Alarm.objects.filter(kind=AlarmKind.CALENDAR_MISSING))


@time_machine.travel(NOW, tick=False)
class MissingYearTests(CalendarTestCase):
    def test_it_counts_monday_to_friday_and_marks_the_result_provisional(self) -> None:
        self.assertEqual(year_status(2027), YearStatus.FALLBACK)
        self.assertTrue(is_workday(D(2027, 1, 1)))  # a Friday; surely New Year's Day, but nobody knows yet
        self.assertFalse(is_workday(D(2027, 1, 2)))
        # From Wed 2026-12-30: Thu 12-31 (1), Fri 2027-01-01 (2), weekend, Mon 01-04 (3).
        self.assertEqual(add_workdays(D(2026, 12, 30), 3), DueDate(D(2027, 1, 4), True))
        # Staying in 2026 is final: 12-29 (1), 12-30 (2).
        self.assertEqual(add_workdays(D(2026, 12, 28), 2), DueDate(D(2026, 12, 30), False))
        # 2026-12-29 + 3 calendar days = Fri 2027-01-01, a working day under the fallback rule.
        self.assertEqual(add_calendar_days(D(2026, 12, 29), 3), DueDate(D(2027, 1, 1), True))

    def test_it_raises_exactly_one_alarm_however_often_it_is_asked(self) -> None:
        for _ in range(25):
            is_workday(D(2027, 3, 1))
            add_workdays(D(2026, 12, 20), 30)
            workdays_between(D(2026, 12, 1), D(2027, 2, 1))
        alarms = missing_alarms()
        self.assertEqual(len(alarms), 1)
        self.assertEqual(alarms[0].level, AlarmLevel.SYSTEM)
        self.assertEqual(alarms[0].dedupe_key, "calendar-missing:2027")
        self.assertIn("2027", alarms[0].message)

    def test_it_remembers_a_committed_alarm_without_asking_the_database_again(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            is_workday(D(2027, 3, 1))
        with self.assertNumQueries(0):
            for _ in range(10):
                add_workdays(D(2026, 12, 20), 30)
        self.assertEqual(len(missing_alarms()), 1)

    def test_it_raises_the_alarm_again_when_the_first_was_rolled_back(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            is_workday(D(2027, 3, 1))
            self.assertEqual(len(missing_alarms()), 1)
            raise RuntimeError("the caller's action failed")
        self.assertEqual(missing_alarms(), [])  # gone with the caller's transaction, and not remembered
        is_workday(D(2027, 3, 2))
        self.assertEqual(len(missing_alarms()), 1)

    def test_it_raises_nothing_for_known_years(self) -> None:
        add_workdays(D(2025, 12, 1), 60)
        is_workday(D(2004, 5, 1))
        self.assertEqual(missing_alarms(), [])

    def test_it_does_not_ask_for_a_year_whose_notice_cannot_exist_yet(self) -> None:
        # An open suspension pushes a due date years ahead: provisional, but no alarm for 2036.
        due = add_workdays(D(2026, 11, 27), 5, suspended=[(D(2026, 11, 28), D(2035, 12, 31))])
        self.assertTrue(due.provisional)
        self.assertEqual(
            due.date, D(2036, 1, 7)
        )  # Tue 01-01 (1), 01-02 (2), 01-03 (3), 01-04 (4), Mon 01-07 (5)
        self.assertEqual(missing_alarms(), [])

    def test_it_makes_results_final_once_the_year_is_loaded_and_tells_the_listeners(self) -> None:
        self.assertTrue(add_workdays(D(2026, 12, 30), 3).provisional)
        heard: list[tuple[int, YearStatus, DueDate]] = []

        def listener(year: int) -> None:
            # Called in the saving transaction, with the calendar already answering from the new year.
            heard.append((year, year_status(year), add_workdays(D(2026, 12, 30), 3)))

        workdays.on_year_loaded(listener)
        self.addCleanup(workdays._listeners.remove, listener)
        enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        # 12-31 (1), Fri 01-01 now a holiday, weekend, Mon 01-04 (2), Tue 01-05 (3).
        final = DueDate(D(2027, 1, 5), False)
        self.assertEqual(heard, [(2027, YearStatus.LOADED, final)])
        self.assertEqual(add_workdays(D(2026, 12, 30), 3), final)
        self.assertEqual(year_status(2027), YearStatus.LOADED)
        self.assertFalse(is_workday(D(2027, 1, 1)))
        self.assertTrue(is_workday(D(2027, 10, 9)))  # the made-up make-up Saturday
