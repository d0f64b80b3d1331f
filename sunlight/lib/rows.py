"""Hand-written SQL for the few hot paths where the ORM's query compiler costs more than the
query itself (every step of every case: who may act, the case locked, the step completed).

The SQL text is built once per shape from the models' own metadata, and values go through the
fields' own conversions both ways, so what comes back is what the ORM would have loaded. Columns
left out of a select list are deferred and load on access, as with `.only()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]
Row = tuple[Any, ...]


def db() -> BaseDatabaseWrapper:
    """The default connection, looked up once: every `connection.x` goes through a context-local
    lookup (≈ 1 µs), and a step used to make some forty of them."""
    return connections[DEFAULT_DB_ALIAS]


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
        conn.validate_thread_sharing()
        conn.validate_no_broken_transaction()
        with conn.wrap_database_errors:
            cursor = conn.connection.cursor()
            cursor.execute(_qmark(sql), params)
            return (
                cursor.fetchone()
                if fetch == "one"
                else cursor.fetchall()
                if fetch == "all"
                else cursor.rowcount
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


@cache
def _plain(model: type[models.Model], vendor: str) -> frozenset[str]:
    """The attnames whose plain values go to the database as they are (none but on SQLite).

    Preparing a value through its field costs a few microseconds; a step's row has twenty."""
    if vendor != "sqlite":
        return frozenset()
    return frozenset(f.attname for f in model._meta.concrete_fields if type(f) in _PLAIN_FIELD_CLASSES)


def _prepare(
    conn: BaseDatabaseWrapper, model: type[models.Model], name: str, value: Any, saving: bool
) -> Any:
    if type(value) in _PLAIN_VALUES and name in _plain(model, conn.vendor):
        return value
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
    return model.from_db(conn.alias, names, loaded)


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
    plain = _plain(type(objects[0]), conn.vendor)
    params = []
    for obj in objects:
        for f in fields:
            value = getattr(obj, f.attname) if f.attname in plain else None
            if f.attname not in plain or type(value) not in _PLAIN_VALUES:
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
