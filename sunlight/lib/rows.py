"""Hand-written SQL for the few hot paths where the ORM's query compiler costs more than the
query itself (every step of every case: who may act, the case locked, the step completed).

The SQL text is built once per shape from the models' own metadata, and values go through the
fields' own conversions both ways, so what comes back is what the ORM would have loaded. Columns
left out of a select list are deferred and load on access, as with `.only()`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

import orjson
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]
Row = tuple[Any, ...]


class _ThreadConnection(threading.local):
    wrapper: BaseDatabaseWrapper | None = None


_this_thread = _ThreadConnection()


def db() -> BaseDatabaseWrapper:
    """The default connection of this thread.

    Django keeps connections per thread (and per task in an event loop), behind a lookup that
    costs ≈ 1 µs, 3–4 µs inside a step, which makes some fifteen: here it is kept in a plain
    thread-local once looked up (Django does not replace a thread's connection object once the
    thread has used it: closing and reopening keep it, and a test server's threads are given
    theirs when they start). In an event loop's thread Django's own lookup answers, as each
    task may have its own.
    """
    wrapper = _this_thread.wrapper
    if wrapper is None or asyncio._get_running_loop() is not None:
        wrapper = connections[DEFAULT_DB_ALIAS]
        if asyncio._get_running_loop() is None:
            _this_thread.wrapper = wrapper
    return wrapper


_FORMAT_MARK = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=1024)
def _qmark(sql: str) -> str:
    """The statement in SQLite's `?` style, converted once per text (as Django's wrapper does
    on every execution)."""
    return _FORMAT_MARK.sub("?", sql).replace("%%", "%")


def _direct(conn: BaseDatabaseWrapper) -> bool:
    """Whether a statement may go straight to the SQLite driver.

    Django's cursor wrapper costs ≈ 9 µs a statement (a step runs a dozen); the driver alone
    ≈ 1.5 µs. Straight to the driver only when nobody is watching the statements: while
    queries are logged (DEBUG, `assertNumQueries`, the query-count guards) or an execute
    wrapper is installed, they go through Django's cursor so that they are seen and counted.
    PostgreSQL always goes through Django's cursor.
    """
    return (
        conn.vendor == "sqlite"
        and conn.connection is not None
        and not conn.execute_wrappers
        and not conn.queries_logged
    )


def _run(conn: BaseDatabaseWrapper, sql: str, params: Sequence[Any], fetch: str) -> Any:
    if _direct(conn):
        # Django's two checks, in the order its cursor makes them, each asked only when it could
        # fail (the thread's identity first: the sharing flag takes a lock to read).
        if conn._thread_ident != threading.get_ident():  # type: ignore[attr-defined]
            conn.validate_thread_sharing()
        if conn.needs_rollback:
            conn.validate_no_broken_transaction()
        try:
            cursor = conn.connection.execute(_qmark(sql), params)
        except sqlite3.Error:
            with conn.wrap_database_errors:  # raised again as Django's error, as its cursor does
                raise
        return (
            cursor.fetchone() if fetch == "one" else cursor.fetchall() if fetch == "all" else cursor.rowcount
        )
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return (
            cursor.fetchone() if fetch == "one" else cursor.fetchall() if fetch == "all" else cursor.rowcount
        )


def fetchone(sql: str, params: Sequence[Any] = ()) -> Row | None:
    """One row of a hand-written statement (`%s` placeholders), through the fastest safe path."""
    row: Row | None = _run(db(), sql, params, "one")
    return row


def fetchall(sql: str, params: Sequence[Any] = ()) -> list[Row]:
    found: list[Row] = _run(db(), sql, params, "all")
    return found


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run a hand-written statement; the number of rows it changed."""
    return int(_run(db(), sql, params, "count"))


@cache
def _fields(model: type[models.Model], only: tuple[str, ...]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(f for f in model._meta.concrete_fields if not only or f.attname in only)


def _column(model: type[models.Model], name: str) -> str:
    """The quoted column of a field given by name or attname ("pk" for the primary key)."""
    meta = model._meta
    field = meta.pk if name == "pk" else meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return connection.ops.quote_name(field.column)


@cache
def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


# Field classes whose preparation leaves a str, int, bool or None unchanged on SQLite (there,
# unlike PostgreSQL's typed integers, the driver takes them as they are). Exact classes only: a
# subclass may prepare its values its own way.
_PLAIN_FIELD_CLASSES = frozenset(
    {
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.BooleanField,
        models.ForeignKey,
    }
)
_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


PLAIN, JSON, MOMENT = "plain", "json", "moment"


@cache
def _fast(model: type[models.Model], vendor: str) -> dict[str, str]:
    """How the attnames whose preparation is trivial on this database are prepared (none but
    on SQLite): plain values as they are, JSON (no encoder of its own) as `json_text` writes
    it, datetimes as `moment` gives them (no `auto_now`: those change on saving). Preparing a value
    through its field costs a few microseconds; a step's row has twenty."""
    if vendor != "sqlite":
        return {}
    fast: dict[str, str] = {}
    for f in model._meta.concrete_fields:
        if type(f) in _PLAIN_FIELD_CLASSES:
            fast[f.attname] = PLAIN
        elif type(f) is models.JSONField and f.encoder is None:
            fast[f.attname] = JSON
        elif type(f) is models.DateTimeField and not (f.auto_now or f.auto_now_add):
            fast[f.attname] = MOMENT
    return fast


def moment(conn: BaseDatabaseWrapper, value: dt.datetime) -> Any:
    """A datetime as the database takes it. On SQLite a UTC datetime (`timezone.now()`) becomes
    its naive text, which is what Django's adaptation comes to there, without its passes
    through the settings and time zones."""
    if value.tzinfo is dt.UTC and conn.vendor == "sqlite" and conn.timezone is dt.UTC:
        return str(value.replace(tzinfo=None))
    return conn.ops.adapt_datetimefield_value(value)


_SLOW = object()  # `_quick`'s answer when the value must go through its field

# Datetimes and dataclasses, which `json.dumps` refuses, orjson is told to refuse too (non-text
# keys and integers beyond 64 bits it refuses itself): those go through the field, which
# refuses or converts them as before. (UUIDs and enum members orjson writes as their values
# where `json.dumps` would refuse them: no form or case data holds them.)
_JSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: dict[str, Any] | list[Any]) -> Any:
    """A JSON field's value as SQLite stores it: compact UTF-8 text from orjson, where the field
    writes `json.dumps` text (spaced, non-ASCII escaped). Both read back to the same value, and
    SQLite's JSON functions parse either; orjson takes an eighth of the time, and a step writes
    the case's whole data. `_SLOW` for what orjson refuses."""
    try:
        return orjson.dumps(value, option=_JSON_OPTIONS).decode("utf-8")
    except orjson.JSONEncodeError:
        return _SLOW


def _quick(conn: BaseDatabaseWrapper, how: str | None, value: Any) -> Any:
    """The value prepared the fast way `how`, or `_SLOW` when it must go through its field."""
    kind = type(value)
    if how is PLAIN:
        return value if kind in _PLAIN_VALUES else _SLOW
    if how is JSON:
        return json_text(value) if kind is dict or kind is list else _SLOW
    if how is MOMENT:
        return moment(conn, value) if kind is dt.datetime else None if value is None else _SLOW
    return _SLOW


def _prepare(
    conn: BaseDatabaseWrapper, model: type[models.Model], name: str, value: Any, saving: bool
) -> Any:
    quick = _quick(conn, _fast(model, conn.vendor).get(name), value)
    if quick is not _SLOW:
        return quick
    field = _field(model, name)
    return field.get_db_prep_save(value, conn) if saving else field.get_db_prep_value(value, conn)


@cache
def _converters(
    model: type[models.Model], only: tuple[str, ...], vendor: str
) -> tuple[tuple[int, tuple[Converter, ...], Any], ...]:
    """The columns the ORM converts on this database (dates, JSON…): position, converters, column.

    Most columns need none and are left as the driver returns them."""
    out = []
    for position, field in enumerate(_fields(model, only)):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            out.append((position, tuple(found), column))
    return tuple(out)


@cache
def _names(model: type[models.Model], only: tuple[str, ...]) -> list[str]:
    return [f.attname for f in _fields(model, only)]


def columns(model: type[models.Model], alias: str, only: tuple[str, ...] = ()) -> str:
    """The select list for `model` under a table alias (all plain columns, or only these)."""
    return ", ".join(f"{alias}.{_column(model, f.attname)}" for f in _fields(model, only))


def width(model: type[models.Model], only: tuple[str, ...] = ()) -> int:
    return len(_fields(model, only))


def instance(model: type[M], values: Sequence[object], only: tuple[str, ...] = ()) -> M:
    """An instance as the ORM would load it from these values (in `columns` order)."""
    names = _names(model, only)
    if len(values) != len(names):
        raise ValueError(f"{model.__name__}: {len(values)} values for {len(names)} columns")
    conn = db()
    loaded = list(values)
    for position, converters, column in _converters(model, only, conn.vendor):
        value = loaded[position]
        for convert in converters:
            value = convert(value, column, conn)
        loaded[position] = value
    if not _plain_construction(model):
        return model.from_db(conn.alias, names, loaded)
    # Columns left out stay out of the instance's dict: deferred, as `from_db` leaves them.
    return _made(model, dict(zip(names, loaded, strict=True)), conn.alias)


def _made(model: type[M], attributes: dict[str, Any], alias: str | None) -> M:
    """What `from_db` (with the database's alias) or the constructor (None: a new instance)
    ends with, without `__init__`'s pass over every field through its descriptor (≈ 10 µs an
    instance inside a step, seven instances a step). Only for `_plain_construction` models."""
    made = model.__new__(model)
    made.__dict__.update(attributes)
    state = made._state = ModelState()
    if alias is not None:
        state.adding, state.db = False, alias
    return made


def attach(instance: models.Model, name: str, related: models.Model) -> None:
    """Give `instance` the object its foreign key `name` already points to (`related.pk` is the
    id it holds): what the field's descriptor ends with when set, without its checks of the
    instance's type, database and id (≈ 3 µs inside a step, a few per step)."""
    instance._state.fields_cache[name] = related


def build(model: type[M], **values: Any) -> M:
    """A new, unsaved instance from attribute values (`unit_id`, not `unit`), the other fields at
    their defaults: `model(**values)` without its keyword pass over every field (a step opens
    one for each step it opens)."""
    return _built(model, values, None)


def saved(model: type[M], **values: Any) -> M:
    """An instance of a row just written with these attribute values, as if loaded from it."""
    return _built(model, values, db().alias)


def _built(model: type[M], values: dict[str, Any], alias: str | None) -> M:
    if not _plain_construction(model):
        made = model(**values)
        if alias is not None:
            made._state.adding, made._state.db = False, alias
        return made
    attributes = {
        name: values.pop(name) if name in values else field.get_default() for name, field in _attnames(model)
    }
    if values:
        raise TypeError(f"{model.__name__} has no fields {', '.join(values)}")
    return _made(model, attributes, alias)


@cache
def _attnames(model: type[models.Model]) -> tuple[tuple[str, models.Field[Any, Any]], ...]:
    return tuple((f.attname, f) for f in model._meta.concrete_fields)


@cache
def _plain_construction(model: type[models.Model]) -> bool:
    """Whether loading an instance is nothing but setting its attributes: no `from_db` of its
    own, nobody listening to its construction, and no attribute that does more when set than
    be stored (a foreign key's id only drops a cached object, and a new instance has none).
    Decided once per model, after the apps are ready (signals are connected then)."""
    if model.from_db.__func__ is not models.Model.from_db.__func__:  # type: ignore[attr-defined]
        return False
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return False
    for field in model._meta.concrete_fields:
        # As the class and its bases define it (a base's descriptor counts too).
        descriptor = inspect.getattr_static(model, field.attname, None)
        if hasattr(type(descriptor), "__set__") and not isinstance(descriptor, ForeignKeyDeferredAttribute):
            return False
    return True


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], where: tuple[str, ...]) -> str:
    sets = ", ".join(f"{_column(model, n)} = %s" for n in names)
    conditions = " AND ".join(f"{_column(model, n)} = %s" for n in ("pk", *where))
    table = connection.ops.quote_name(model._meta.db_table)
    return f"UPDATE {table} SET {sets} WHERE {conditions}"  # noqa: S608 (identifiers only)


def update(
    model: type[models.Model], pk: Any, values: dict[str, Any], where: dict[str, Any] | None = None
) -> int:
    """`model.objects.filter(pk=pk, **where).update(**values)` with the SQL built once per shape;
    the values are prepared by their fields as the ORM would. Returns the number of rows changed."""
    where = where or {}
    conn = db()
    params: list[Any] = [_prepare(conn, model, n, v, saving=True) for n, v in values.items()]
    params.append(pk)
    params.extend(_prepare(conn, model, n, v, saving=False) for n, v in where.items())
    return int(_run(conn, _update_sql(model, tuple(values), tuple(where)), params, "count"))


@cache
def _insert_sql(model: type[models.Model], count: int) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk)
    columns = tuple(str(f.column) for f in fields)
    return f"{_values_sql(meta.db_table, columns, count)} RETURNING {_column(model, 'pk')}", fields


def insert(objects: Sequence[M]) -> None:
    """Insert new instances of one model in one statement and set their primary keys, as
    `bulk_create` does, with the SQL built once per model and count (RETURNING: SQLite 3.35+
    and PostgreSQL). No signals and no `save()`, like `bulk_create`."""
    if not objects:
        return
    sql, fields = _insert_sql(type(objects[0]), len(objects))
    conn = db()
    fast = _fast(type(objects[0]), conn.vendor)
    params = []
    for obj in objects:
        for f in fields:
            how = fast.get(f.attname)
            value = _quick(conn, how, getattr(obj, f.attname)) if how is not None else _SLOW
            if value is _SLOW:
                value = f.get_db_prep_save(f.pre_save(obj, True), conn)
            params.append(value)
    keys = _run(conn, sql, params, "all")
    # The keys come back in the order of the VALUES for a plain INSERT on both databases, which
    # Django's own bulk_create relies on too.
    for obj, (key,) in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, conn.alias


@cache
def _values_sql(table: str, names: tuple[str, ...], count: int) -> str:
    quote = connection.ops.quote_name
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * count)
    return f"INSERT INTO {quote(table)} ({', '.join(map(quote, names))}) VALUES {values}"  # noqa: S608


def insert_values(table: str, names: tuple[str, ...], values: Sequence[Sequence[Any]]) -> None:
    """Insert plain rows (values ready for the database) in one statement: for link tables,
    where building a model instance per row would cost more than writing it."""
    if values:
        execute(_values_sql(table, names, len(values)), [value for row in values for value in row])
