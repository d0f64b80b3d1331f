"""Reading the tables units upload (Excel or CSV): headers by any of their usual names, cells as text.

All or nothing, as the organisation import (`sunlight.orgs.excel`): every row is read and
checked first, every problem is reported with its row and column, and nothing is written if
there is one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sunlight.lib.money import NotAnAmount, from_decimal, parse_yuan

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    names: tuple[str, ...]  # accepted header texts, compared without spaces and case
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def _norm(text: object) -> str:
    return re.sub(r"[\s（）()]", "", str(text or "")).lower()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def read_rows(data: bytes, file_name: str) -> list[list[Any]]:
    """The rows of the first sheet of an .xlsx, or of a CSV (UTF-8 or GB18030), blank rows dropped."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    rows: list[list[Any]]
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")}) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError({"file": _("The CSV file is neither UTF-8 nor GB18030 text.")})
        rows = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(v not in (None, "") for v in row)]
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError({"file": _("At most %(n)d rows at a time.") % {"n": MAX_ROWS}})
    return rows


def records(rows: list[list[Any]], columns: tuple[Column, ...]) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {column key: cell}) for each data row."""
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    header = [_norm(v) for v in rows[0]]
    positions: dict[str, int] = {}
    missing = []
    for column in columns:
        names = {_norm(n) for n in (*column.names, str(column.label))}
        found = next((i for i, h in enumerate(header) if h in names), None)
        if found is None:
            if column.required:
                missing.append(str(column.label))
        else:
            positions[column.key] = found
    if missing:
        raise ValidationError(
            {"file": _("Columns missing in the first row: %(names)s.") % {"names": "、".join(missing)}}
        )
    out = []
    for number, row in enumerate(rows[1:], start=2):
        out.append((number, {key: row[i] if i < len(row) else None for key, i in positions.items()}))
    return out


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    if match is None:
        raise ValueError(raw)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def amount(value: Any) -> int:
    """A cell in yuan (a number, or text such as '1,234.50') → fen, exactly."""
    if isinstance(value, bool):
        raise NotAnAmount(str(value))
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        try:
            return from_decimal(Decimal(repr(value)))
        except InvalidOperation as exc:
            raise NotAnAmount(str(value)) from exc
    if isinstance(value, Decimal):
        return from_decimal(value)
    return parse_yuan(text(value))


def refuse(errors: list[RowError]) -> None:
    if errors:
        raise ValidationError({"file": [str(e) for e in errors[:200]]})
