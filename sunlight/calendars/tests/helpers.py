"""Shared set-up for the calendar's tests: a fresh calendar cache per test, and sample days."""

from __future__ import annotations

import datetime as dt

from sunlight.calendars import workdays
from sunlight.calendars.actions import DayEntry
from sunlight.calendars.models import DayKind
from sunlight.test import Personas

D = dt.date
H = DayKind.HOLIDAY
W = DayKind.MAKEUP_WORKDAY


def days(kind: DayKind, first: dt.date, last: dt.date | None = None, name: str = "") -> list[DayEntry]:
    last = last or first
    return [DayEntry(first + dt.timedelta(days=i), kind, name) for i in range((last - first).days + 1)]


# A made-up 2027 arrangement for the tests (the real one is not published yet): New Year's Day
# on Friday 1 January, and a National Day week with Saturday 9 October worked.
def days_2027() -> list[DayEntry]:
    return [
        *days(H, D(2027, 1, 1), name="元旦"),
        *days(H, D(2027, 10, 1), D(2027, 10, 7), "国庆节"),
        *days(W, D(2027, 10, 9), name="国庆节"),
    ]


SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


class CalendarTestCase(Personas):
    """Personas, with the calendar's process-wide cache forgotten before and after each test."""

    def setUp(self) -> None:
        super().setUp()
        workdays.reset()
        self.addCleanup(workdays.reset)
