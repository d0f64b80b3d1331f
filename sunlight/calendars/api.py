"""API for the working-day calendar: a year's days, due dates for integrations, entering a year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sunlight.api import Error, FieldErrors, require_role
from sunlight.calendars import actions
from sunlight.calendars.actions import DayEntry
from sunlight.calendars.forms import MAX_RANGE_DAYS
from sunlight.calendars.models import FIRST_YEAR, LAST_YEAR, DayKind, HolidayArrangement, YearStatus
from sunlight.calendars.workdays import add_calendar_days, add_workdays, calendar_of
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Role

router = Router(tags=["working-day calendar"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
# A due date further away than this is a mistake, and the computation is a loop over the days.
MAX_WORKDAYS = 1000
MAX_CALENDAR_DAYS = 3660


class DayOut(Schema):
    date: dt.date
    kind: DayKind
    name: str


class YearOut(Schema):
    year: int
    status: YearStatus
    provisional: bool
    working_days: int
    source: str
    document_number: str
    url: str
    published_on: dt.date | None
    revision: int | None
    days: list[DayOut]


def _year_out(year: int) -> YearOut:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    days = calendar_of(year)
    arrangement = HolidayArrangement.objects.for_year(year).first()
    return YearOut(
        year=year,
        status=days.status,
        provisional=days.status == YearStatus.FALLBACK,
        working_days=days.working_days,
        source=arrangement.source if arrangement else "",
        document_number=arrangement.document_number if arrangement else "",
        url=arrangement.url if arrangement else "",
        published_on=arrangement.published_on if arrangement else None,
        revision=arrangement.revision if arrangement else None,
        days=[DayOut(date=d, kind=kind, name=str(name)) for d, (kind, name) in sorted(days.marked.items())],
    )


class DueDateOut(Schema):
    start: dt.date
    workdays: int | None
    calendar_days: int | None
    due_date: dt.date
    provisional: bool


@router.get(
    "/calendars/due-date",
    response={200: DueDateOut, **ERRORS},
    summary="The due date of a time limit in working days or calendar days",
)
def due_date(
    request: HttpRequest, start: dt.date, workdays: int | None = None, calendar_days: int | None = None
) -> DueDateOut:
    """The `workdays`-th working day after `start`, or `start` plus `calendar_days` moved to the next
    working day when it ends on a rest day. `provisional` is true when a year without a holiday
    arrangement was crossed (Monday to Friday were counted)."""
    if (workdays is None) == (calendar_days is None):
        raise ValidationError({"workdays": [_("Give either workdays or calendar_days.")]})
    if workdays is not None:
        if not 0 <= workdays <= MAX_WORKDAYS:
            raise ValidationError({"workdays": [_("Between 0 and %(n)s.") % {"n": MAX_WORKDAYS}]})
        found = add_workdays(start, workdays)
    else:
        assert calendar_days is not None
        if not 0 <= calendar_days <= MAX_CALENDAR_DAYS:
            raise ValidationError({"calendar_days": [_("Between 0 and %(n)s.") % {"n": MAX_CALENDAR_DAYS}]})
        found = add_calendar_days(start, calendar_days)
    return DueDateOut(
        start=start,
        workdays=workdays,
        calendar_days=calendar_days,
        due_date=found.date,
        provisional=found.provisional,
    )


@router.get(
    "/calendars/{int:year}", response={200: YearOut, **ERRORS}, summary="A year's working-day calendar"
)
def year_calendar(request: HttpRequest, year: int) -> YearOut:
    """The holidays and make-up workdays in effect for `year` and where they come from. A day is a
    working day when it is a make-up workday, or a Monday to Friday that is not a holiday."""
    return _year_out(year)


class DayIn(Schema):
    date: dt.date
    until: dt.date | None = None  # the last day of a range (inclusive)
    name: str = ""


class SourceIn(Schema):
    source: str
    document_number: str = ""
    url: str = ""
    published_on: dt.date | None = None
    holidays: list[DayIn]
    makeup_days: list[DayIn] = []


class ArrangementIn(SourceIn):
    year: int


class ArrangementEditIn(SourceIn):
    reason: str = ""  # required: the action answers 400 with a field error rather than ninja's 422


def _entries(body: SourceIn) -> list[DayEntry]:
    entries: list[DayEntry] = []
    for key, kind, days in (
        ("holidays", DayKind.HOLIDAY, body.holidays),
        ("makeup_days", DayKind.MAKEUP_WORKDAY, body.makeup_days),
    ):
        for item in days:
            last = item.until or item.date
            if last < item.date or (last - item.date).days >= MAX_RANGE_DAYS:
                raise ValidationError(
                    {
                        key: [
                            _("%(first)s to %(last)s is not a range of days.")
                            % {"first": item.date, "last": last}
                        ]
                    }
                )
            span = (last - item.date).days + 1
            entries.extend(DayEntry(item.date + dt.timedelta(days=i), kind, item.name) for i in range(span))
    return entries


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


@router.post(
    "/calendars",
    response={201: YearOut, **ERRORS},
    summary="Enter a year's holiday arrangement (administrators)",
)
def enter_arrangement(request: HttpRequest, body: ArrangementIn) -> Status[YearOut]:
    require_role(request, Role.ADMINISTRATION)
    arrangement = actions.enter_arrangement(
        _actor(request),
        year=body.year,
        source=body.source,
        days=_entries(body),
        document_number=body.document_number,
        url=body.url,
        published_on=body.published_on,
    )
    return Status(201, _year_out(arrangement.year))


@router.put(
    "/calendars/{int:year}",
    response={200: YearOut, **ERRORS},
    summary="Change an entered year's arrangement, with the reason (administrators)",
)
def edit_arrangement(request: HttpRequest, year: int, body: ArrangementEditIn) -> YearOut:
    require_role(request, Role.ADMINISTRATION)
    arrangement = get_object_or_404(HolidayArrangement, year=year)
    actions.edit_arrangement(
        _actor(request),
        arrangement,
        source=body.source,
        days=_entries(body),
        reason=body.reason,
        document_number=body.document_number,
        url=body.url,
        published_on=body.published_on,
    )
    return _year_out(year)
