"""Forms for entering, editing and importing an arrangement, and the day-list notation they read.

A day list is what an administrator copies from the notice: one entry per line (or separated by
commas or semicolons), each a date or a range, optionally followed by the holiday's name:

    2026-10-01..2026-10-07 国庆节
    2026-09-25 ~ 2026-09-27 中秋节
    2026年1月1日至2026年1月3日 元旦

Forms only parse; the rules (dates in the year, make-up days on weekends, ...) are the action's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.calendars.actions import DayEntry
from sunlight.calendars.models import FIRST_YEAR, LAST_YEAR, DayKind

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}"
_ENTRY = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*(?:\.\.|~|～|至|到|—|–|\s-\s|\sto\s)\s*(?P<last>{_DATE}))?(?:\s+(?P<name>.*))?$"
)
_SEPARATORS = re.compile(r"[\n;；,，、]+")
# A range longer than a year is a typing mistake, not a holiday.
MAX_RANGE_DAYS = 366


def parse_date(text: str) -> dt.date:
    """A date as people write it: 2026-10-01, 2026/10/1, 2026.10.1, 2026年10月1日, 20261001."""
    digits = re.findall(r"\d+", text)
    if len(digits) == 1 and len(digits[0]) == 8:
        digits = [digits[0][:4], digits[0][4:6], digits[0][6:]]
    if len(digits) != 3:
        raise ValueError(text)
    return dt.date(int(digits[0]), int(digits[1]), int(digits[2]))


class RangeError(ValueError):
    """A range that reads as dates but is not a period (backwards, or longer than a year)."""


def date_range(first: dt.date, last: dt.date) -> list[dt.date]:
    if last < first:
        raise RangeError(_("%(last)s is before %(first)s.") % {"first": first, "last": last})
    if (last - first).days >= MAX_RANGE_DAYS:
        raise RangeError(_("%(first)s to %(last)s is longer than a year.") % {"first": first, "last": last})
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def parse_day_list(text: str, kind: DayKind) -> list[DayEntry]:
    """The entries of a day list; a ValidationError names every entry that cannot be read."""
    entries: list[DayEntry] = []
    errors: list[str] = []
    for raw in _SEPARATORS.split(text):
        item = raw.strip()
        if not item:
            continue
        match = _ENTRY.match(item)
        if match is None:
            errors.append(
                _("“%(item)s” is not a date or a range of dates (YYYY-MM-DD..YYYY-MM-DD).") % {"item": item}
            )
            continue
        try:
            first = parse_date(match["first"])
            last = parse_date(match["last"]) if match["last"] else first
            days = date_range(first, last)
        except RangeError as exc:
            errors.append(str(exc))
            continue
        except ValueError:
            errors.append(_("“%(item)s” is not a valid date.") % {"item": item})
            continue
        name = (match["name"] or "").strip()
        entries.extend(DayEntry(day, kind, name) for day in days)
    if errors:
        raise forms.ValidationError(errors)
    return entries


def format_day_list(entries: Iterable[DayEntry]) -> str:
    """The inverse of `parse_day_list`: consecutive days of one name become a range."""
    lines: list[str] = []
    run: list[DayEntry] = []

    def flush() -> None:
        if run:
            span = run[0].date.isoformat()
            if len(run) > 1:
                span += f"..{run[-1].date.isoformat()}"
            lines.append(f"{span} {run[0].name}".strip())
            run.clear()

    for entry in sorted(entries, key=lambda e: e.date):
        if run and (entry.date - run[-1].date).days == 1 and entry.name == run[-1].name:
            run.append(entry)
        else:
            flush()
            run.append(entry)
    flush()
    return "\n".join(lines)


class DayListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})

    def __init__(self, *, kind: DayKind, **kwargs: object) -> None:
        self.kind = kind
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> list[DayEntry]:  # type: ignore[override]
        return parse_day_list(str(value or ""), self.kind)


class SourceFields(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Source (title of the notice)"),
        max_length=300,
        help_text=gettext_lazy("e.g. 国务院办公厅关于2027年部分节假日安排的通知"),
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("e.g. 国办发明电〔2026〕X号"),
    )
    url = forms.CharField(label=gettext_lazy("Web address of the notice"), max_length=500, required=False)
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


_DAY_HELP = gettext_lazy(
    "One date or range per line, optionally followed by the name: 2027-10-01..2027-10-07 国庆节"
)


class ArrangementForm(SourceFields):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    holidays = DayListField(
        label=gettext_lazy("Holidays (放假)"), kind=DayKind.HOLIDAY, required=False, help_text=_DAY_HELP
    )
    makeup_days = DayListField(
        label=gettext_lazy("Make-up workdays (调休上班, Saturdays or Sundays)"),
        kind=DayKind.MAKEUP_WORKDAY,
        required=False,
        help_text=_DAY_HELP,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = [
        "year",
        "source",
        "document_number",
        "url",
        "published_on",
        "holidays",
        "makeup_days",
        "reason",
    ]

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if editing:
            self.fields["year"].disabled = True
        else:
            del self.fields["reason"]

    @property
    def days(self) -> list[DayEntry]:
        return [*self.cleaned_data["holidays"], *self.cleaned_data["makeup_days"]]


class ImportForm(SourceFields):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    file = forms.FileField(
        label=gettext_lazy("File (Excel .xlsx or CSV)"),
        help_text=gettext_lazy(
            "Columns: date, until (optional, for a range), kind (holiday or make-up workday), name."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (when the year is already entered)"),
        max_length=1000,
        required=False,
    )

    field_order = ["year", "source", "document_number", "url", "published_on", "file", "reason"]
