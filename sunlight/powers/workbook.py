"""Reading and writing the worksheets units keep (power list, risk register): shared parts.

The same conventions as the organisation register (`orgs.excel`): sheet names, headers and
choice values are accepted in Chinese, in English or as code values; the export uses the
active language; every cell error is reported with its sheet, row and column, and nothing is
written while any remains.
"""

from __future__ import annotations

import datetime as dt
import functools
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, TypeVar

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from sunlight.lib.money import NotAnAmount, format_yuan, parse_yuan

LANGUAGES = ("zh-hans", "en")
Progress = Callable[[int, int], None]
YES = gettext_lazy("yes")
NO = gettext_lazy("no")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    required: bool = False
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str | Promise
    columns: tuple[Column, ...]

    def column_label(self, key: str) -> str:
        return next((str(c.label) for c in self.columns if c.key == key), key)


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int
    values: dict[str, str]


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": [vars(e) for e in self.errors],
        }


@functools.cache
def spellings(choices: Any) -> dict[str, str]:
    """Every spelling a cell may use for a choice: its code and its label in each language.

    Kept per choices class: the labels are fixed in the code, and an import asks for every cell.
    """
    found: dict[str, str] = {}
    for value, label in choices.choices:
        found[value.lower()] = value
        for lang in LANGUAGES:
            with override(lang):
                found[str(label).lower()] = value
    return found


T = TypeVar("T")


def runs(
    entries: Iterable[T], *, alone: Callable[[T], bool], group: Callable[[T], object], size: int = 50
) -> Iterator[list[T]]:
    """Runs of consecutive entries of one group, `size` at most (an import creates each run in one
    action), and every entry for which `alone` holds on its own."""
    run: list[T] = []
    for entry in entries:
        if alone(entry):
            if run:
                yield run
                run = []
            yield [entry]
            continue
        if run and (group(run[0]) != group(entry) or len(run) == size):
            yield run
            run = []
        run.append(entry)
    if run:
        yield run


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class CellErrors:
    """Collects the problems of one row's cells while parsing it."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def choice(self, choices: Any, value: str, key: str, default: str = "") -> str:
        if not value:
            return default
        found = spellings(choices).get(value.lower())
        if found is None:
            self.errors[key] = _("%(v)s is not one of the allowed values.") % {"v": value}
            return default
        return found

    def number(self, value: str, key: str) -> int | None:
        if not value:
            return None
        if not value.isdigit():
            self.errors[key] = _("%(v)s is not a whole number.") % {"v": value}
            return None
        return int(value)

    def date(self, value: str, key: str) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.errors[key] = _("%(v)s is not a date (YYYY-MM-DD).") % {"v": value}
            return None

    def flag(self, value: str, key: str, default: bool) -> bool:
        if not value:
            return default
        lowered = value.lower()
        yes = {"yes", "y", "true", "1", "是", str(YES).lower()}
        no = {"no", "n", "false", "0", "否", str(NO).lower()}
        for lang in LANGUAGES:
            with override(lang):
                yes.add(str(YES).lower())
                no.add(str(NO).lower())
        if lowered in yes:
            return True
        if lowered in no:
            return False
        self.errors[key] = _("%(v)s is neither yes nor no.") % {"v": value}
        return default

    def amount(self, value: str, key: str) -> int | None:
        if not value:
            return None
        try:
            return parse_yuan(value)
        except NotAnAmount:
            self.errors[key] = _("%(v)s is not an amount in yuan (e.g. 10.50).") % {"v": value}
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def flag_text(value: bool) -> str:
    return str(YES if value else NO)


def amount_text(fen: int | None) -> str:
    return format_yuan(fen, unit=False).replace(",", "") if fen is not None else ""


def read(file: BinaryIO | IO[bytes], sheets: Iterable[Sheet], report: ImportReport) -> dict[str, list[Row]]:
    """Rows of each known sheet as {column key: text}; missing columns and bad files are errors."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        report.errors.append(RowError("-", 0, "-", _("This file is not an Excel workbook (.xlsx).")))
        return {}
    found: dict[str, list[Row]] = {}
    titles = {name.strip().lower(): name for name in book.sheetnames}
    for sheet in sheets:
        names = {sheet.key}
        for lang in LANGUAGES:
            with override(lang):
                names.add(str(sheet.label).lower())
        title = next((titles[n] for n in names if n in titles), None)
        if title is None:
            continue
        rows = book[title].iter_rows(values_only=True)
        header = next(rows, None) or ()
        mapping: dict[str, str] = {}
        for column in sheet.columns:
            mapping[column.key.lower()] = column.key
            for lang in LANGUAGES:
                with override(lang):
                    mapping[str(column.label).strip().lower()] = column.key
        keys = [mapping.get(cell_text(h).lower()) for h in header]
        for column in sheet.columns:
            if column.required and column.key not in keys:
                report.errors.append(
                    RowError(str(sheet.label), 1, str(column.label), _("This column is missing."))
                )
        parsed = []
        for number, raw in enumerate(rows, start=2):
            values = {k: cell_text(v) for k, v in zip(keys, raw, strict=False) if k}
            if any(values.values()):
                parsed.append(Row(number, values))
        found[sheet.key] = parsed
    if not found:
        report.errors.append(RowError("-", 0, "-", _("The workbook has none of the expected sheets.")))
    return found


def count_rows(file: BinaryIO | IO[bytes]) -> int:
    """Roughly how many rows a workbook has (from its sheets' dimensions), to choose a path."""
    try:
        book = load_workbook(file, read_only=True)
        total = sum(ws.max_row or 0 for ws in book.worksheets)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        total = 0
    file.seek(0)
    return total


def write(sheets: Iterable[tuple[Sheet, Iterable[list[Any]]]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet, rows in sheets:
        ws = book.create_sheet(str(sheet.label))
        ws.append([str(c.label) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for column, cells in zip(sheet.columns, ws.columns, strict=False):
            ws.column_dimensions[cells[0].column_letter].width = column.width
            for cell in cells[1:]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True)
    return book


def required_missing(sheet: Sheet, row: Row, report: ImportReport) -> bool:
    missing = [c for c in sheet.columns if c.required and not row.values.get(c.key)]
    for column in missing:
        report.errors.append(
            RowError(str(sheet.label), row.number, str(column.label), _("This cell is required."))
        )
    return bool(missing)


def errors_of(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(key, message) for key, messages in exc.message_dict.items() for message in messages]
    return [("-", message) for message in exc.messages]
