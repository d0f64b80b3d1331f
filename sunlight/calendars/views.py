"""The working-day calendar's pages: every signed-in person reads, administrators enter and import."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.calendars import actions, imports
from sunlight.calendars.actions import DayEntry
from sunlight.calendars.forms import ArrangementForm, ImportForm, format_day_list
from sunlight.calendars.models import FIRST_YEAR, LAST_YEAR, DayKind, HolidayArrangement, YearStatus
from sunlight.calendars.workdays import YearDays, calendar_of, year_status
from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import request_roles, role_required
from sunlight.orgs.models import Role

admin_only = role_required(Role.ADMINISTRATION)
STATUS_BADGE = {YearStatus.LOADED: "green", YearStatus.DEFAULT: "", YearStatus.FALLBACK: "red"}


@dataclass(frozen=True)
class Cell:
    day: dt.date | None  # None: a day of the neighbouring month, drawn empty
    css: str = ""
    label: str | Promise = ""  # for screen readers: what kind of day it is
    mark: str | Promise = ""  # the visible 休 / 班
    name: str | Promise = ""


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[Cell]]


def _cell(days: YearDays, day: dt.date) -> Cell:
    entry = days.marked.get(day)
    if entry and entry[0] == DayKind.HOLIDAY:
        return Cell(day, "day-holiday", _("Holiday"), _("off"), entry[1])
    if entry and entry[0] == DayKind.MAKEUP_WORKDAY:
        return Cell(day, "day-makeup", _("Make-up workday"), _("work"), entry[1])
    if days.is_workday(day):
        return Cell(day, "day-workday")
    return Cell(day, "day-weekend", _("Weekend"))


def month_grid(days: YearDays) -> list[Month]:
    grid = calendar.Calendar(firstweekday=0)  # weeks start on Monday in China
    return [
        Month(
            dt.date(days.year, month, 1),
            [
                [_cell(days, day) if day.month == month else Cell(None) for day in week]
                for week in grid.monthdatescalendar(days.year, month)
            ],
        )
        for month in range(1, 13)
    ]


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(
            _("The calendar covers %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def _is_admin(request: HttpRequest) -> bool:
    return Role.ADMINISTRATION in request_roles(request)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("year", "").strip()
    if wanted.isdigit():  # the "go to year" form
        return redirect("calendars:year", year=int(wanted))
    this_year = timezone.localdate().year
    arrangements = {a.year: a for a in HolidayArrangement.objects.select_related("changed_by")}
    years = sorted(set(range(this_year - 3, this_year + 2)) | set(arrangements), reverse=True)
    rows = []
    for year in years:
        days = calendar_of(year)
        kinds = [kind for kind, _name in days.marked.values()]
        rows.append(
            {
                "year": year,
                "status": days.status,
                "badge": STATUS_BADGE[days.status],
                "arrangement": arrangements.get(year),
                "holidays": kinds.count(DayKind.HOLIDAY),
                "makeup_days": kinds.count(DayKind.MAKEUP_WORKDAY),
                "working_days": days.working_days,
            }
        )
    return render(
        request,
        "calendars/index.html",
        {
            "rows": rows,
            "next_year": this_year + 1,
            "next_year_missing": year_status(this_year + 1) == YearStatus.FALLBACK,
            "is_admin": _is_admin(request),
            "first_year": FIRST_YEAR,
            "last_year": LAST_YEAR,
        },
    )


@login_required
def year_view(request: HttpRequest, year: int) -> HttpResponse:
    days = calendar_of(_year_or_404(year))
    return render(
        request,
        "calendars/year.html",
        {
            "year": year,
            "days": days,
            "months": month_grid(days),
            "marked": sorted(days.marked.items()),
            "arrangement": HolidayArrangement.objects.for_year(year)
            .select_related("entered_by", "changed_by")
            .first(),
            "is_admin": _is_admin(request),
            "weekdays": [dt.date(2024, 1, i) for i in range(1, 8)],  # 2024-01-01 was a Monday
        },
    )


@login_required
def year_csv(request: HttpRequest, year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calendar-{_year_or_404(year)}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    csv.writer(response).writerows(imports.export_rows(year))
    return response


@admin_only
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    initial = {"year": request.GET.get("year") or timezone.localdate().year + 1}
    form = ArrangementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrangement = actions.enter_arrangement(
                Actor.from_request(request),
                year=data["year"],
                source=data["source"],
                days=form.days,
                document_number=data["document_number"],
                url=data["url"],
                published_on=data["published_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The arrangement for %(year)s is entered.") % {"year": arrangement.year}
            )
            return redirect("calendars:year", year=arrangement.year)
    return render(
        request, "calendars/form.html", {"form": form, "title": _("Enter a year's holiday arrangement")}
    )


@admin_only
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, year: int) -> HttpResponse:
    arrangement = HolidayArrangement.objects.for_year(year).first()
    if arrangement is None:
        raise Http404(_("No arrangement is entered for this year."))
    days = [DayEntry(d.date, DayKind(d.kind), d.name) for d in arrangement.days.all()]
    initial = {
        "year": arrangement.year,
        "source": arrangement.source,
        "document_number": arrangement.document_number,
        "url": arrangement.url,
        "published_on": arrangement.published_on,
        "holidays": format_day_list(d for d in days if d.kind == DayKind.HOLIDAY),
        "makeup_days": format_day_list(d for d in days if d.kind == DayKind.MAKEUP_WORKDAY),
    }
    form = ArrangementForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.edit_arrangement(
                Actor.from_request(request),
                arrangement,
                source=data["source"],
                days=form.days,
                reason=data["reason"],
                document_number=data["document_number"],
                url=data["url"],
                published_on=data["published_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The arrangement for %(year)s is changed.") % {"year": year})
            return redirect("calendars:year", year=year)
    title = _("Edit the holiday arrangement for %(year)s") % {"year": year}
    return render(request, "calendars/form.html", {"form": form, "title": title})


@admin_only
@require_http_methods(["GET", "POST"])
def import_days(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year + 1}
    )
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = imports.import_arrangement(
            Actor.from_request(request),
            data["file"],
            year=data["year"],
            source=data["source"],
            document_number=data["document_number"],
            url=data["url"],
            published_on=data["published_on"],
            reason=data["reason"],
        )
        if report.field_errors:
            apply_errors(form, ValidationError(report.field_errors))
        if report.ok:
            messages.success(
                request,
                _("%(year)s is imported: %(n)s days.") % {"year": data["year"], "n": report.days},
            )
            return redirect("calendars:year", year=data["year"])
    return render(request, "calendars/import.html", {"form": form, "report": report})
