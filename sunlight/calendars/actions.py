"""Entering and editing the yearly holiday arrangements (年度节假日安排): every change happens here.

An arrangement is what the State Council's General Office publishes each autumn for the next
year: the holidays (放假) and the make-up workdays (调休上班). It replaces chinese-calendar's data
for its year as a whole.

Holidays on a Saturday or Sunday are accepted and kept: the notice prints continuous ranges
("10月1日至7日放假调休") that include weekends, and an administrator copies the ranges as printed.
They change no count (a weekend is a rest day anyway) but the calendar shows the whole holiday.
A make-up workday on a weekday, by contrast, is refused: it would change nothing and is always a
typing mistake.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sunlight.calendars import workdays
from sunlight.calendars.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ArrangementDay,
    DayKind,
    HolidayArrangement,
    is_weekend,
)
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import records_refusals
from sunlight.orgs.actions import require_admin

FIELD_OF_KIND = {DayKind.HOLIDAY: "holidays", DayKind.MAKEUP_WORKDAY: "makeup_days"}
MAX_NAME = 50


@dataclass(frozen=True)
class DayEntry:
    """One day as entered: a holiday or a make-up workday, with the holiday's name."""

    date: dt.date
    kind: DayKind
    name: str = ""


@dataclass(frozen=True)
class Problem:
    """A rule a day breaks; `index` is its position in the entries given (None: the list)."""

    field: str
    index: int | None
    message: str


def _weekday(day: dt.date) -> str:
    return date_format(day, "l")


def check_days(year: int, entries: Sequence[DayEntry]) -> list[Problem]:
    """Every problem with the days of `year`'s arrangement (the imports report them by row)."""
    problems: list[Problem] = []
    kinds: dict[dt.date, set[DayKind]] = defaultdict(set)
    for entry in entries:
        kinds[entry.date].add(entry.kind)
    for index, entry in enumerate(entries):
        field = FIELD_OF_KIND[entry.kind]
        day = entry.date.isoformat()
        if entry.date.year != year:
            problems.append(
                Problem(field, index, _("%(date)s is not in %(year)s.") % {"date": day, "year": year})
            )
            continue
        if len(kinds[entry.date]) > 1:
            problems.append(
                Problem(
                    field,
                    index,
                    _("%(date)s is listed both as a holiday and as a make-up workday.") % {"date": day},
                )
            )
        elif entry.kind == DayKind.MAKEUP_WORKDAY and not is_weekend(entry.date):
            problems.append(
                Problem(
                    field,
                    index,
                    _("%(date)s is a %(weekday)s: a make-up workday must be a Saturday or a Sunday.")
                    % {"date": day, "weekday": _weekday(entry.date)},
                )
            )
        if len(entry.name.strip()) > MAX_NAME:
            problems.append(
                Problem(field, index, _("The name is longer than %(n)s characters.") % {"n": MAX_NAME})
            )
    if not any(entry.kind == DayKind.HOLIDAY for entry in entries):
        problems.append(Problem("holidays", None, _("List the holidays of the notice.")))
    return problems


def check_source(
    *, source: str, document_number: str, url: str, published_on: dt.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if not source.strip():
        errors["source"].append(
            _("Name the source: the notice's title, e.g. 国务院办公厅关于2027年部分节假日安排的通知.")
        )
    elif len(source.strip()) > 300:
        errors["source"].append(_("The source is longer than 300 characters."))
    if len(document_number.strip()) > 100:
        errors["document_number"].append(_("The document number is longer than 100 characters."))
    if url.strip():
        try:
            URLValidator(schemes=["http", "https"])(url.strip())
        except ValidationError:
            errors["url"].append(_("Enter a web address starting with http:// or https://."))
    if published_on is not None and published_on > timezone.localdate():
        errors["published_on"].append(_("The publication date cannot be in the future."))
    return dict(errors)


def check_year(year: int) -> list[str]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return [
            _("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    return []


def _errors(
    year: int,
    days: Sequence[DayEntry],
    *,
    source: str,
    document_number: str,
    url: str,
    published_on: dt.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    errors["year"] += check_year(year)
    found = check_source(source=source, document_number=document_number, url=url, published_on=published_on)
    for key, messages in found.items():
        errors[key] += messages
    if not errors["year"]:
        for problem in check_days(year, days):
            if problem.message not in errors[problem.field]:
                errors[problem.field].append(problem.message)
    return {key: messages for key, messages in errors.items() if messages}


def _unique(days: Sequence[DayEntry]) -> dict[dt.date, DayEntry]:
    """One entry per date (overlapping ranges repeat dates); the first name given wins."""
    found: dict[dt.date, DayEntry] = {}
    for entry in days:
        kept = found.get(entry.date)
        if kept is None or (not kept.name and entry.name):
            found[entry.date] = DayEntry(entry.date, entry.kind, entry.name.strip())
    return dict(sorted(found.items()))


def _described(days: dict[dt.date, DayEntry], kind: DayKind) -> list[str]:
    return [f"{d.isoformat()} {e.name}".strip() for d, e in days.items() if e.kind == kind]


def _write_days(arrangement: HolidayArrangement, days: dict[dt.date, DayEntry]) -> None:
    ArrangementDay.objects.bulk_create(
        ArrangementDay(arrangement=arrangement, date=e.date, kind=e.kind, name=e.name) for e in days.values()
    )


@records_refusals
def enter_arrangement(
    actor: Actor,
    *,
    year: int,
    source: str,
    days: Sequence[DayEntry],
    document_number: str = "",
    url: str = "",
    published_on: dt.date | None = None,
) -> HolidayArrangement:
    """Enter a year's arrangement from the State Council's notice (administrators)."""
    require_admin(actor, "calendars.enter_arrangement", ("calendars.year", str(year)))
    errors = _errors(
        year, days, source=source, document_number=document_number, url=url, published_on=published_on
    )
    if not errors.get("year") and HolidayArrangement.objects.for_year(year).exists():
        errors["year"] = [
            _("The arrangement for %(year)s is already entered: edit it instead.") % {"year": year}
        ]
    if errors:
        raise ValidationError(errors)
    unique = _unique(days)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                arrangement = HolidayArrangement.objects.create(
                    year=year,
                    source=source.strip(),
                    document_number=document_number.strip(),
                    url=url.strip(),
                    published_on=published_on,
                    entered_by=actor.user,
                    entered_at=now,
                    changed_by=actor.user,
                    changed_at=now,
                )
        except IntegrityError:
            # Entered a moment ago by another administrator (the unique year decides).
            raise ValidationError(
                {
                    "year": _("The arrangement for %(year)s is already entered: edit it instead.")
                    % {"year": year}
                }
            ) from None
        _write_days(arrangement, unique)
        append(
            actor,
            "calendars.enter_arrangement",
            arrangement,
            changes={
                "year": (None, year),
                "source": (None, arrangement.source),
                "document_number": (None, arrangement.document_number),
                "url": (None, arrangement.url),
                "published_on": (None, published_on),
                "holidays": (None, _described(unique, DayKind.HOLIDAY)),
                "makeup_days": (None, _described(unique, DayKind.MAKEUP_WORKDAY)),
            },
        )
        workdays.record_change(year)
    return arrangement


@records_refusals
def edit_arrangement(
    actor: Actor,
    arrangement: HolidayArrangement,
    *,
    source: str,
    days: Sequence[DayEntry],
    reason: str,
    document_number: str = "",
    url: str = "",
    published_on: dt.date | None = None,
) -> HolidayArrangement:
    """Change an entered arrangement (a correction, a later notice); the reason is recorded."""
    year = arrangement.year
    require_admin(actor, "calendars.edit_arrangement", arrangement)
    errors = _errors(
        year, days, source=source, document_number=document_number, url=url, published_on=published_on
    )
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the change, e.g. the notice that changed the days.")]
    if errors:
        raise ValidationError(errors)
    unique = _unique(days)
    with transaction.atomic():
        # The row lock makes two administrators' edits of one year take turns (PostgreSQL).
        locked = HolidayArrangement.objects.select_for_update().get(pk=arrangement.pk)
        before_days = {
            d.date: DayEntry(d.date, DayKind(d.kind), d.name) for d in locked.days.order_by("date")
        }
        after = {
            "source": source.strip(),
            "document_number": document_number.strip(),
            "url": url.strip(),
            "published_on": published_on,
        }
        changes: dict[str, tuple[object, object]] = {
            key: (getattr(locked, key), value)
            for key, value in after.items()
            if getattr(locked, key) != value
        }
        for key, kind in (("holidays", DayKind.HOLIDAY), ("makeup_days", DayKind.MAKEUP_WORKDAY)):
            old, new = _described(before_days, kind), _described(unique, kind)
            if old != new:
                changes[key] = (old, new)
        if not changes:
            raise ValidationError(_("Nothing is changed: the arrangement already reads so."))
        for key, value in after.items():
            setattr(locked, key, value)
        locked.revision += 1
        locked.changed_by = actor.user
        locked.changed_at = timezone.now()
        locked.save()
        if before_days != unique:
            locked.days.all().delete()
            _write_days(locked, unique)
        changes["revision"] = (locked.revision - 1, locked.revision)
        append(actor, "calendars.edit_arrangement", locked, changes=changes, reason=reason.strip())
        workdays.record_change(year)
    arrangement.refresh_from_db()
    return arrangement


def save_arrangement(
    actor: Actor,
    *,
    year: int,
    source: str,
    days: Sequence[DayEntry],
    reason: str = "",
    document_number: str = "",
    url: str = "",
    published_on: dt.date | None = None,
) -> tuple[HolidayArrangement, bool]:
    """Enter the year, or edit it when it exists (imports); returns (arrangement, created)."""
    existing = HolidayArrangement.objects.for_year(year).first()
    if existing is None:
        created = enter_arrangement(
            actor,
            year=year,
            source=source,
            days=days,
            document_number=document_number,
            url=url,
            published_on=published_on,
        )
        return created, True
    edited = edit_arrangement(
        actor,
        existing,
        source=source,
        days=days,
        reason=reason,
        document_number=document_number,
        url=url,
        published_on=published_on,
    )
    return edited, False
