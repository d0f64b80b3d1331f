"""Quarters (季度) and other periods, in Changsha's local dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quarter:
        return cls.of(timezone.localdate())

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """'2026-Q3', '2026Q3' → Quarter(2026, 3); anything else → None."""
        match = _QUARTER.match(text or "")
        if match is None:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next()
        return following.start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The last day whose data counts: the quarter's end, or today while it runs."""
        return min(self.end, today or timezone.localdate())

    def has_ended(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.end

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    def __str__(self) -> str:
        return self.code


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, local time (the bound of a datetime range)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def datetime_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in local time: every moment of the days start … end."""
    return day_start(start), day_start(end + dt.timedelta(days=1))


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
