"""The demo's calendar: 2026 entered as an administrator would, 2027 left missing on purpose.

2026 is the State Council's notice 国办发明电〔2025〕7号 of 4 November 2025; every day below equals
chinese-calendar 1.11.0's (a test compares them). 2027 is absent, so the demo shows a year in
fallback and the system alarm asking for it: `load()` computes a due date that reaches 2027,
the way the process engine would.
"""

from __future__ import annotations

import datetime as dt

from sunlight.calendars.actions import DayEntry, enter_arrangement
from sunlight.calendars.models import DayKind, HolidayArrangement
from sunlight.calendars.workdays import add_workdays
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel

DESCRIPTION = "the 2026 holiday arrangement (国办发明电〔2025〕7号); 2027 left missing"
YEAR = 2026
SOURCE = "国务院办公厅关于2026年部分节假日安排的通知"
DOCUMENT_NUMBER = "国办发明电〔2025〕7号"
PUBLISHED_ON = dt.date(2025, 11, 4)

# (first day, last day, name) as the notice prints them.
HOLIDAYS_2026 = (
    (dt.date(2026, 1, 1), dt.date(2026, 1, 3), "元旦"),
    (dt.date(2026, 2, 15), dt.date(2026, 2, 23), "春节"),
    (dt.date(2026, 4, 4), dt.date(2026, 4, 6), "清明节"),
    (dt.date(2026, 5, 1), dt.date(2026, 5, 5), "劳动节"),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 21), "端午节"),
    (dt.date(2026, 9, 25), dt.date(2026, 9, 27), "中秋节"),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 7), "国庆节"),
)
MAKEUP_WORKDAYS_2026 = (
    (dt.date(2026, 1, 4), "元旦"),  # Sunday
    (dt.date(2026, 2, 14), "春节"),  # Saturday
    (dt.date(2026, 2, 28), "春节"),  # Saturday
    (dt.date(2026, 5, 9), "劳动节"),  # Saturday
    (dt.date(2026, 9, 20), "国庆节"),  # Sunday
    (dt.date(2026, 10, 10), "国庆节"),  # Saturday
)


def days_2026() -> list[DayEntry]:
    days = [
        DayEntry(first + dt.timedelta(days=i), DayKind.HOLIDAY, name)
        for first, last, name in HOLIDAYS_2026
        for i in range((last - first).days + 1)
    ]
    days += [DayEntry(day, DayKind.MAKEUP_WORKDAY, name) for day, name in MAKEUP_WORKDAYS_2026]
    return days


def is_loaded() -> bool:
    return HolidayArrangement.objects.for_year(YEAR).exists()


def load() -> None:
    enter_arrangement(
        Actor.system(Channel.COMMAND),
        year=YEAR,
        source=SOURCE,
        document_number=DOCUMENT_NUMBER,
        published_on=PUBLISHED_ON,
        days=days_2026(),
    )
    # A case accepted on 21 December 2026 with 20 working days runs into 2027, which nobody
    # knows yet: the due date is provisional and the CALENDAR_MISSING alarm is raised.
    add_workdays(dt.date(2026, 12, 21), 20)
