"""Importing a year's days from an Excel workbook (.xlsx) or a CSV file, all or nothing.

Every row is read and checked against the same rules as the form (`actions.check_days`), and
every problem is reported with its row and column before anything is written; only a clean file
reaches the action, which writes the year in one transaction. The layout is the one of the
year's CSV download: date, until (optional, for a range), kind, name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sunlight.calendars import actions
from sunlight.calendars.actions import DayEntry
from sunlight.calendars.forms import RangeError, date_range, parse_date
from sunlight.calendars.models import DayKind, HolidayArrangement
from sunlight.ledger.actor import Actor

MAX_ROWS = 1000
MAX_BYTES = 1_000_000
LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    required: bool
    aliases: tuple[str, ...]  # the headings a Chinese spreadsheet uses, whatever the catalogue says


COLUMNS = (
    Column("date", gettext_lazy("Date"), True, ("日期", "开始日期", "起始日期")),
    Column("until", gettext_lazy("Until"), False, ("结束日期", "截止日期", "至")),
    Column("kind", gettext_lazy("Kind"), True, ("类型", "类别", "种类")),
    Column("name", gettext_lazy("Name"), False, ("名称", "节日", "节日名称")),
)
# Besides the labels of DayKind in both languages, the words the notices and calendars use.
KIND_SPELLINGS = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "休息日": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "makeup": DayKind.MAKEUP_WORKDAY,
    "make-up": DayKind.MAKEUP_WORKDAY,
    "上班": DayKind.MAKEUP_WORKDAY,
    "班": DayKind.MAKEUP_WORKDAY,
    "补班": DayKind.MAKEUP_WORKDAY,
    "调休上班": DayKind.MAKEUP_WORKDAY,
    "调休上班日": DayKind.MAKEUP_WORKDAY,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    # Problems with the form's fields (year, source, reason, ...), by field.
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    arrangement: HolidayArrangement | None = None
    created: bool = False
    days: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.field_errors

    def add(self, row: int, column: str, message: str) -> None:
        error = RowError(row, column, message)
        if error not in self.errors:
            self.errors.append(error)


class _Unreadable(Exception):
    pass


def _spellings() -> dict[str, DayKind]:
    found = dict(KIND_SPELLINGS)
    for kind in DayKind:
        found[kind.value] = kind
        for lang in LANGUAGES:
            with override(lang):
                found[str(kind.label).lower()] = kind
    return found


def _headers() -> dict[str, str]:
    found: dict[str, str] = {}
    for column in COLUMNS:
        found[column.key] = column.key
        found.update((alias, column.key) for alias in column.aliases)
        for lang in LANGUAGES:
            with override(lang):
                found[str(column.label).strip().lower()] = column.key
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data: bytes) -> list[list[Any]]:
    if data[:2] == b"PK":  # a zip: an .xlsx workbook
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise _Unreadable from None
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            dialect: Any = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    raise _Unreadable


def read_days(file: IO[bytes], report: ImportReport) -> list[tuple[int, DayEntry]] | None:
    """The file's days with their row numbers (None: the file cannot be read); problems go to `report`."""
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        report.add(0, "-", _("The file is larger than 1 MB: a year's calendar is a few dozen rows."))
        return None
    try:
        raw = _raw_rows(data)
    except _Unreadable:
        report.add(0, "-", _("This file is neither an Excel workbook (.xlsx) nor a CSV file."))
        return None
    if not raw:
        report.add(0, "-", _("The file is empty."))
        return None
    headers = _headers()
    keys = [headers.get(_text(h).lower()) for h in raw[0]]
    for column in COLUMNS:
        if column.required and column.key not in keys:
            report.add(1, str(column.label), _("This column is missing."))
    if report.errors:
        return None
    if len(raw) > MAX_ROWS + 1:
        report.add(0, "-", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
        return None
    labels = {c.key: str(c.label) for c in COLUMNS}
    spellings = _spellings()
    found: list[tuple[int, DayEntry]] = []
    for number, row in enumerate(raw[1:], start=2):
        values = {key: _text(value) for key, value in zip(keys, row, strict=False) if key}
        if not any(values.values()):
            continue
        kind = spellings.get(values.get("kind", "").lower())
        if kind is None:
            report.add(
                number,
                labels["kind"],
                _("“%(v)s” is neither a holiday nor a make-up workday.") % {"v": values.get("kind", "")},
            )
        try:
            first = parse_date(values.get("date", ""))
        except ValueError:
            report.add(
                number,
                labels["date"],
                _("“%(v)s” is not a date (YYYY-MM-DD).") % {"v": values.get("date", "")},
            )
            continue
        try:
            last = parse_date(values["until"]) if values.get("until") else first
            days = date_range(first, last)
        except RangeError as exc:
            report.add(number, labels["until"], str(exc))
            continue
        except ValueError:
            report.add(
                number, labels["until"], _("“%(v)s” is not a date (YYYY-MM-DD).") % {"v": values["until"]}
            )
            continue
        if kind is not None:
            found.extend((number, DayEntry(day, kind, values.get("name", ""))) for day in days)
    return found


def import_arrangement(
    actor: Actor,
    file: IO[bytes],
    *,
    year: int,
    source: str,
    document_number: str = "",
    url: str = "",
    published_on: dt.date | None = None,
    reason: str = "",
) -> ImportReport:
    """Check the whole file and the form; write the year through the action only if all is well."""
    report = ImportReport()
    rows = read_days(file, report)
    fields = actions.check_source(
        source=source, document_number=document_number, url=url, published_on=published_on
    )
    if actions.check_year(year):
        fields["year"] = actions.check_year(year)
    existing = HolidayArrangement.objects.for_year(year).first()
    if existing is not None and not reason.strip():
        fields["reason"] = [
            _("%(year)s is already entered: give the reason for replacing its days.") % {"year": year}
        ]
    report.field_errors = fields
    if rows is None:
        return report
    if "year" not in fields:
        entries = [entry for _row, entry in rows]
        days_label, kind_label = str(COLUMNS[0].label), str(COLUMNS[2].label)
        for problem in actions.check_days(year, entries):
            if problem.index is None:
                report.add(0, kind_label, problem.message)
            else:
                report.add(rows[problem.index][0], days_label, problem.message)
    if not report.ok:
        return report
    try:
        report.arrangement, report.created = actions.save_arrangement(
            actor,
            year=year,
            source=source,
            days=[entry for _row, entry in rows],
            reason=reason,
            document_number=document_number,
            url=url,
            published_on=published_on,
        )
    except ValidationError as exc:
        report.field_errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return report
    report.days = len({entry.date for _row, entry in rows})
    return report


def export_rows(year: int) -> list[list[str]]:
    """A year's days in the import's layout (the header in the active language)."""
    from sunlight.calendars.workdays import calendar_of

    days = calendar_of(year)
    rows = [[str(c.label) for c in COLUMNS]]
    for day, (kind, name) in sorted(days.marked.items()):
        rows.append([day.isoformat(), "", str(kind.label), str(name)])
    return rows
