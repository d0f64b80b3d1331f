"""The demo's calendar: 2026 as the State Council published it, 2027 missing with its alarm."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import time_machine
from chinese_calendar import constants

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.calendars import demo
from sunlight.calendars.models import DayKind, HolidayArrangement, YearStatus
from sunlight.calendars.tests.helpers import CalendarTestCase
from sunlight.calendars.workdays import year_status


@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
class DemoCalendarTests(CalendarTestCase):
    def test_it_matches_chinese_calendar_for_2026_day_by_day(self) -> None:
        ours = {(e.date, e.kind) for e in demo.days_2026()}
        theirs = {(d, DayKind.HOLIDAY) for d in constants.holidays if d.year == 2026}
        theirs |= {(d, DayKind.MAKEUP_WORKDAY) for d in constants.workdays if d.year == 2026}
        self.assertEqual(ours, theirs)
        for entry in demo.days_2026():
            self.assertEqual(chinese_calendar.is_workday(entry.date), entry.kind == DayKind.MAKEUP_WORKDAY)

    def test_it_loads_2026_and_shows_2027_missing(self) -> None:
        self.assertFalse(demo.is_loaded())
        demo.load()
        self.assertTrue(demo.is_loaded())
        arrangement = HolidayArrangement.objects.get()
        self.assertEqual((arrangement.year, arrangement.document_number), (2026, "国办发明电〔2025〕7号"))
        self.assertEqual(year_status(2026), YearStatus.LOADED)
        self.assertEqual(year_status(2027), YearStatus.FALLBACK)
        self.assertEqual(
            Alarm.objects.get(kind=AlarmKind.CALENDAR_MISSING).dedupe_key, "calendar-missing:2027"
        )
