"""Excel import and export of organisations, posts, people and assignments (openpyxl).

An import is all or nothing: every row goes through the same actions as the pages, inside one
transaction with a savepoint per row, so every bad row is found and reported (sheet, row,
column, reason) and, if there is any, the whole transaction is rolled back and nothing stays.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs import actions
from sunlight.orgs.models import Assignment, CodeScheme, Organisation, OrgKind, Post, PostKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    required: bool = True


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str | Promise
    columns: tuple[Column, ...]


SHEETS = (
    Sheet(
        "organisations",
        gettext_lazy("Organisations"),
        (
            Column("code", gettext_lazy("Code")),
            Column("code_scheme", gettext_lazy("Code scheme")),
            Column("name", gettext_lazy("Name")),
            Column("abbr", gettext_lazy("Abbreviation"), required=False),
            Column("kind", gettext_lazy("Kind")),
            Column("parent", gettext_lazy("Parent code"), required=False),
            Column("sort", gettext_lazy("Order"), required=False),
        ),
    ),
    Sheet(
        "posts",
        gettext_lazy("Posts"),
        (
            Column("code", gettext_lazy("Post code")),
            Column("organisation", gettext_lazy("Organisation code")),
            Column("name", gettext_lazy("Post name")),
            Column("kind", gettext_lazy("Post kind")),
            Column("jurisdiction", gettext_lazy("Jurisdiction (unit codes)"), required=False),
        ),
    ),
    Sheet(
        "people",
        gettext_lazy("People"),
        (
            Column("username", gettext_lazy("User name")),
            Column("full_name", gettext_lazy("Full name")),
            Column("phone", gettext_lazy("Mobile phone"), required=False),
            Column("email", gettext_lazy("E-mail"), required=False),
        ),
    ),
    Sheet(
        "assignments",
        gettext_lazy("Assignments"),
        (
            Column("username", gettext_lazy("User name")),
            Column("post", gettext_lazy("Post code")),
            Column("valid_from", gettext_lazy("From")),
            Column("valid_until", gettext_lazy("Until"), required=False),
        ),
    ),
)
LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _labels(choices: type[Any]) -> dict[str, str]:
    """Every spelling a cell may use for a choice: its code and its label in each language."""
    spellings: dict[str, str] = {}
    for value, label in choices.choices:
        spellings[value.lower()] = value
        for lang in LANGUAGES:
            with override(lang):
                spellings[str(label).lower()] = value
    return spellings


def _header_map(sheet: Sheet) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in sheet.columns:
        mapping[column.key] = column.key
        for lang in LANGUAGES:
            with override(lang):
                mapping[str(column.label).strip().lower()] = column.key
    return mapping


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ----------------------------------------------------------------------------- export


def _parents_first() -> list[Organisation]:
    """Organisations ordered so that each parent comes before its children."""
    orgs = list(Organisation.objects.select_related("parent").order_by("pk"))
    by_pk = {o.pk: o for o in orgs}

    def depth(org: Organisation) -> int:
        level = 0
        while org.parent_id is not None:
            org = by_pk[org.parent_id]
            level += 1
        return level

    return sorted(orgs, key=lambda o: (depth(o), o.sort, o.pk))


def export_workbook() -> bytes:
    """The whole organisation register as one workbook, in the active language."""
    book = Workbook()
    book.remove(book.active)
    rows: dict[str, Iterator[list[Any]]] = {
        "organisations": (
            [
                o.code,
                str(CodeScheme(o.code_scheme).label),
                o.name,
                o.abbr,
                str(OrgKind(o.kind).label),
                o.parent.code if o.parent else "",
                o.sort,
            ]
            for o in _parents_first()
        ),
        "posts": (
            [
                p.code,
                p.organisation.code,
                p.name,
                str(PostKind(p.kind).label),
                ",".join(sorted(u.code for u in p.jurisdiction.all())),
            ]
            for p in Post.objects.select_related("organisation")
            .prefetch_related("jurisdiction")
            .order_by("pk")
        ),
        "people": (
            [u.username, u.full_name, u.phone, u.email]
            for u in User.objects.filter(kind="person").order_by("pk")
        ),
        "assignments": (
            [a.person.username, a.post.code, a.valid_from, a.valid_until]
            for a in Assignment.objects.select_related("person", "post").order_by("pk")
        ),
    }
    for sheet in SHEETS:
        ws = book.create_sheet(str(sheet.label))
        ws.append([str(c.label) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet.key]:
            ws.append(row)
        for column_cells in ws.columns:
            ws.column_dimensions[column_cells[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- import


@dataclass
class _Row:
    number: int
    values: dict[str, str]


def _read(file: BinaryIO | IO[bytes], report: ImportReport) -> dict[str, list[_Row]]:
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        report.errors.append(RowError("-", 0, "-", _("This file is not an Excel workbook (.xlsx).")))
        return {}
    found: dict[str, list[_Row]] = {}
    titles = {name.strip().lower(): name for name in book.sheetnames}
    for sheet in SHEETS:
        names = {sheet.key}
        for lang in LANGUAGES:
            with override(lang):
                names.add(str(sheet.label).lower())
        title = next((titles[n] for n in names if n in titles), None)
        if title is None:
            continue
        ws = book[title]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        mapping = _header_map(sheet)
        keys = [mapping.get(_cell_text(h).lower()) for h in header]
        missing = [c for c in sheet.columns if c.required and c.key not in keys]
        for column in missing:
            report.errors.append(
                RowError(str(sheet.label), 1, str(column.label), _("This column is missing."))
            )
        parsed: list[_Row] = []
        for number, raw in enumerate(rows, start=2):
            values = {k: _cell_text(v) for k, v in zip(keys, raw, strict=False) if k}
            if not any(values.values()):
                continue
            parsed.append(_Row(number, values))
        found[sheet.key] = parsed
    if not found:
        report.errors.append(RowError("-", 0, "-", _("The workbook has none of the expected sheets.")))
    return found


def _column_label(sheet: Sheet, key: str) -> str:
    return next((str(c.label) for c in sheet.columns if c.key == key), key)


def _date(value: str, key: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValidationError({key: _("%(v)s is not a date (YYYY-MM-DD).") % {"v": value}}) from None


def _lookup(model: Any, key: str, value: str, **filters: Any) -> Any:
    obj = model.objects.filter(**filters).first()
    if obj is None:
        raise ValidationError({key: _("%(v)s is not in the file or the system.") % {"v": value}})
    return obj


def _choice(spellings: dict[str, str], value: str, key: str) -> str:
    try:
        return spellings[value.lower()]
    except KeyError:
        raise ValidationError({key: _("%(v)s is not one of the allowed values.") % {"v": value}}) from None


def _import_organisation(actor: Actor, v: dict[str, str]) -> bool:
    existing = Organisation.objects.filter(code=v["code"]).first()
    kind = _choice(_labels(OrgKind), v["kind"], "kind")
    scheme = _choice(_labels(CodeScheme), v["code_scheme"], "code_scheme")
    parent = _lookup(Organisation, "parent", v["parent"], code=v["parent"]) if v.get("parent") else None
    sort = int(v["sort"]) if v.get("sort", "").isdigit() else 0
    if existing is not None:
        if (existing.kind, existing.code_scheme, existing.parent_id) != (
            kind,
            scheme,
            parent.pk if parent else None,
        ):
            raise ValidationError(
                {"kind": _("Organisation %(c)s exists with another kind or parent.") % {"c": v["code"]}}
            )
        before = (existing.name, existing.abbr, existing.sort)
        actions.update_organisation(
            actor, existing, name=v["name"], abbr=v.get("abbr", ""), sort=sort, is_active=existing.is_active
        )
        return before != (existing.name, existing.abbr, existing.sort)
    actions.create_organisation(
        actor,
        code=v["code"],
        code_scheme=scheme,
        name=v["name"],
        kind=kind,
        parent=parent,
        abbr=v.get("abbr", ""),
        sort=sort,
    )
    return True


def _import_post(actor: Actor, v: dict[str, str]) -> bool:
    org = _lookup(Organisation, "organisation", v["organisation"], code=v["organisation"])
    kind = _choice(_labels(PostKind), v["kind"], "kind")
    codes = sorted({c.strip() for c in v.get("jurisdiction", "").replace("，", ",").split(",") if c.strip()})
    units = [_lookup(Organisation, "jurisdiction", c, code=c) for c in codes]
    existing = Post.objects.filter(code=v["code"]).first()
    if existing is not None:
        same = (existing.organisation_id, existing.name, existing.kind) == (
            org.pk,
            v["name"],
            kind,
        ) and sorted(existing.jurisdiction.values_list("code", flat=True)) == codes
        if not same:
            raise ValidationError(
                {"code": _("Post %(c)s exists with a different definition.") % {"c": v["code"]}}
            )
        return False
    actions.create_post(
        actor, organisation=org, code=v["code"], name=v["name"], kind=kind, jurisdiction=units
    )
    return True


def _import_person(actor: Actor, v: dict[str, str]) -> bool:
    existing = User.objects.filter(username=v["username"].lower()).first()
    if existing is not None:
        if (existing.full_name, existing.phone) != (v["full_name"], v.get("phone", "")):
            raise ValidationError(
                {"username": _("User %(u)s exists with another name or phone.") % {"u": v["username"]}}
            )
        return False
    account_actions.create_person(
        actor,
        username=v["username"],
        full_name=v["full_name"],
        phone=v.get("phone", ""),
        email=v.get("email", ""),
    )
    return True


def _import_assignment(actor: Actor, v: dict[str, str]) -> bool:
    person = _lookup(User, "username", v["username"], username=v["username"].lower())
    post = _lookup(Post, "post", v["post"], code=v["post"])
    start = _date(v["valid_from"], "valid_from")
    end = _date(v.get("valid_until", ""), "valid_until")
    assert start is not None
    if Assignment.objects.filter(person=person, post=post, valid_from=start, valid_until=end).exists():
        return False
    actions.assign_post(actor, person=person, post=post, valid_from=start, valid_until=end)
    return True


_IMPORTERS: dict[str, Callable[[Actor, dict[str, str]], bool]] = {
    "organisations": _import_organisation,
    "posts": _import_post,
    "people": _import_person,
    "assignments": _import_assignment,
}


def import_workbook(actor: Actor, file: BinaryIO | IO[bytes]) -> ImportReport:
    """Import a workbook through the actions; on any bad row, report them all and keep nothing."""
    report = ImportReport()
    sheets = _read(file, report)
    if report.errors:
        return report
    with transaction.atomic():
        for sheet in SHEETS:
            created = unchanged = 0
            for row in sheets.get(sheet.key, []):
                missing = [c for c in sheet.columns if c.required and not row.values.get(c.key)]
                for column in missing:
                    report.errors.append(
                        RowError(str(sheet.label), row.number, str(column.label), _("This cell is required."))
                    )
                if missing:
                    continue
                try:
                    with transaction.atomic():
                        changed = _IMPORTERS[sheet.key](actor, row.values)
                except ValidationError as exc:
                    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("-", exc.messages)]
                    for key, messages in items:
                        for message in messages:
                            report.errors.append(
                                RowError(str(sheet.label), row.number, _column_label(sheet, key), message)
                            )
                except Refused as exc:
                    report.errors.append(RowError(str(sheet.label), row.number, "-", str(exc.message)))
                else:
                    created += changed
                    unchanged += not changed
            report.created[str(sheet.label)] = created
            report.unchanged[str(sheet.label)] = unchanged
        if report.errors:
            transaction.set_rollback(True)
    return report
