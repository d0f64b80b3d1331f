"""Due dates across the 2026 National Day holiday, its make-up workdays, and suspensions.

2026 comes from chinese-calendar here (no arrangement entered). The days around National Day:

    Sun 09-20 make-up workday     Fri 09-25 – Sun 09-27 Mid-Autumn holiday
    Mon 09-28, Tue 09-29, Wed 09-30 working days
    Thu 10-01 – Wed 10-07 National Day holiday
    Thu 10-08, Fri 10-09 working days, Sat 10-10 make-up workday, Sun 10-11 rest, Mon 10-12
"""

from __future__ import annotations

import datetime as dt

import pytest

from sunlight.calendars.models import YearStatus
from sunlight.calendars.tests.helpers import CalendarTestCase, D
from sunlight.calendars.workdays import (
    DueDate,
    add_calendar_days,
    add_workdays,
    is_workday,
    workdays_between,
    year_status,
)


class DueDateTests(CalendarTestCase):
    def test_it_knows_2026_from_the_package(self) -> None:
        self.assertEqual(year_status(2026), YearStatus.DEFAULT)
        self.assertFalse(is_workday(D(2026, 10, 1)))
        self.assertTrue(is_workday(D(2026, 9, 20)))  # Sunday, worked
        self.assertTrue(is_workday(D(2026, 10, 10)))  # Saturday, worked
        self.assertFalse(is_workday(D(2026, 10, 11)))

    def test_it_counts_five_working_days_from_monday_28_september(self) -> None:
        # 09-29 (1), 09-30 (2), 10-01..10-07 holiday, 10-08 (3), 10-09 (4), Sat 10-10 make-up (5).
        self.assertEqual(add_workdays(D(2026, 9, 28), 5), DueDate(D(2026, 10, 10), False))

    def test_it_counts_the_sunday_make_up_day(self) -> None:
        # From Fri 09-18: Sat 09-19 rest, Sun 09-20 make-up (1), Mon 09-21 (2), Tue 09-22 (3).
        self.assertEqual(add_workdays(D(2026, 9, 18), 3), DueDate(D(2026, 9, 22), False))

    def test_it_skips_the_national_day_week(self) -> None:
        # From 09-30: 10-01..10-07 holiday, Thu 10-08 is the first working day.
        self.assertEqual(add_workdays(D(2026, 9, 30), 1).date, D(2026, 10, 8))
        # 10-08 (1), 10-09 (2), Sat 10-10 make-up (3).
        self.assertEqual(add_workdays(D(2026, 9, 30), 3).date, D(2026, 10, 10))
        # 10-08 (1), 10-09 (2), 10-10 (3), Sun 10-11 rest, Mon 10-12 (4).
        self.assertEqual(add_workdays(D(2026, 9, 30), 4).date, D(2026, 10, 12))

    def test_it_does_not_count_the_start_and_returns_it_for_zero_days(self) -> None:
        self.assertEqual(add_workdays(D(2026, 10, 3), 0), DueDate(D(2026, 10, 3), False))
        # Starting on a holiday: the next working day is the first.
        self.assertEqual(add_workdays(D(2026, 10, 3), 1).date, D(2026, 10, 8))
        with pytest.raises(ValueError):
            add_workdays(D(2026, 10, 3), -1)

    def test_it_stops_the_clock_during_a_suspension(self) -> None:
        # From Mon 09-28 with 09-29..09-30 suspended: 10-01..10-07 holiday, 10-08 (1), 10-09 (2),
        # Sat 10-10 make-up (3), Sun 10-11 rest, Mon 10-12 (4), Tue 10-13 (5).
        due = add_workdays(D(2026, 9, 28), 5, suspended=[(D(2026, 9, 29), D(2026, 9, 30))])
        self.assertEqual(due, DueDate(D(2026, 10, 13), False))

    def test_it_does_not_count_a_suspended_make_up_day(self) -> None:
        # From Fri 09-18 with Sun 09-20 suspended: 09-21 (1), 09-22 (2), 09-23 (3).
        due = add_workdays(D(2026, 9, 18), 3, suspended=[(D(2026, 9, 20), D(2026, 9, 20))])
        self.assertEqual(due.date, D(2026, 9, 23))

    def test_it_joins_overlapping_suspensions(self) -> None:
        # Suspended 09-21..09-23 and 09-23..09-24 (overlapping), 09-25..09-27 holiday:
        # from 09-18: 09-20 make-up (1), 09-28 (2), 09-29 (3).
        suspended = [(D(2026, 9, 23), D(2026, 9, 24)), (D(2026, 9, 21), D(2026, 9, 23))]
        self.assertEqual(add_workdays(D(2026, 9, 18), 3, suspended=suspended).date, D(2026, 9, 29))
        with pytest.raises(ValueError):
            add_workdays(D(2026, 9, 18), 3, suspended=[(D(2026, 9, 24), D(2026, 9, 21))])

    def test_it_moves_a_period_ending_on_a_holiday_to_the_next_working_day(self) -> None:
        # 09-24 + 7 calendar days = Thu 10-01, a holiday through 10-07: the period ends on 10-08.
        self.assertEqual(add_calendar_days(D(2026, 9, 24), 7), DueDate(D(2026, 10, 8), False))
        # 10-04 + 7 = Sun 10-11: Monday 10-12.
        self.assertEqual(add_calendar_days(D(2026, 10, 4), 7).date, D(2026, 10, 12))
        # 10-03 + 7 = Sat 10-10, a make-up workday: the period ends that day.
        self.assertEqual(add_calendar_days(D(2026, 10, 3), 7).date, D(2026, 10, 10))
        # An ordinary working day stays: 09-21 + 7 = Mon 09-28.
        self.assertEqual(add_calendar_days(D(2026, 9, 21), 7).date, D(2026, 9, 28))

    def test_it_counts_working_days_between_two_dates(self) -> None:
        # (09-30, 10-10]: 10-08, 10-09, 10-10.
        self.assertEqual(workdays_between(D(2026, 9, 30), D(2026, 10, 10)), 3)
        self.assertEqual(workdays_between(D(2026, 10, 10), D(2026, 9, 30)), -3)
        self.assertEqual(workdays_between(D(2026, 9, 30), D(2026, 9, 30)), 0)
        # 10-09 suspended: 10-08, 10-10.
        self.assertEqual(
            workdays_between(D(2026, 9, 30), D(2026, 10, 10), suspended=[(D(2026, 10, 9), D(2026, 10, 9))]), 2
        )
        # A suspension that started before and runs past the window removes all of it.
        self.assertEqual(
            workdays_between(D(2026, 9, 30), D(2026, 10, 10), suspended=[(D(2026, 9, 1), D(2026, 12, 1))]), 0
        )

    def test_it_agrees_with_add_workdays_across_a_year_end(self) -> None:
        start = D(2025, 12, 1)
        for n in (1, 5, 20, 40, 250):
            due = add_workdays(start, n)
            self.assertEqual(workdays_between(start, due.date), n)
            self.assertTrue(is_workday(due.date))
        self.assertEqual(
            workdays_between(D(2025, 12, 31), D(2026, 12, 31)), 248
        )  # chinese_calendar.get_workdays agrees

    def test_it_counts_alike_with_and_without_the_suspension_walk(self) -> None:
        # With nothing suspended the count is found by bisection in each year's running counts;
        # a suspension long past forces the day-by-day walk. Both must agree on every start and
        # length, across 2025 → 2026 → 2027 (2027 has no data here: weekends only, provisional).
        long_past = [(D(2000, 1, 3), D(2000, 1, 4))]
        start = D(2025, 11, 20)
        while start < D(2027, 1, 15):
            for days in (0, 1, 2, 5, 7, 14, 20, 30, 45, 60, 400):
                with self.subTest(start=start, days=days):
                    self.assertEqual(
                        add_workdays(start, days), add_workdays(start, days, suspended=long_past)
                    )
            start += dt.timedelta(days=3)
        self.assertEqual(add_workdays(D(2026, 12, 31), 1), DueDate(D(2027, 1, 1), True))
        with pytest.raises(ValueError):
            add_workdays(dt.date.max - dt.timedelta(days=3), 5)
