"""Hand-written SQL for the few hot paths where the ORM's query compiler costs more than the
query itself (every step of every case: who may act, the case locked, the step completed).

The SQL text is built once per shape from the models' own metadata, and values go through the
fields' own conversions both ways, so what comes back is what the ORM would have loaded. Columns
left out of a select list are deferred and load on access, as with `.only()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]


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


def _prepare(model: type[models.Model], name: str, value: Any, saving: bool) -> Any:
    field = _field(model, name)
    return field.get_db_prep_save(value, connection) if saving else field.get_db_prep_value(value, connection)


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
    loaded = list(values)
    for position, converters, column in _converters(model, only, connection.vendor):
        value = loaded[position]
        for convert in converters:
            value = convert(value, column, connection)
        loaded[position] = value
    return model.from_db(connection.alias, names, loaded)


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
    params: list[Any] = [_prepare(model, n, v, saving=True) for n, v in values.items()]
    params.append(pk)
    params.extend(_prepare(model, n, v, saving=False) for n, v in where.items())
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, tuple(values), tuple(where)), params)
        return int(cursor.rowcount)


@cache
def _insert_sql(model: type[models.Model], count: int) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk)
    names = ", ".join(_column(model, f.attname) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * count)
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {_column(model, 'pk')}"  # noqa: S608
    return sql, fields


def insert(objects: Sequence[M]) -> None:
    """Insert new instances of one model in one statement and set their primary keys, as
    `bulk_create` does, with the SQL built once per model and count (RETURNING: SQLite 3.35+
    and PostgreSQL). No signals and no `save()`, like `bulk_create`."""
    if not objects:
        return
    sql, fields = _insert_sql(type(objects[0]), len(objects))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objects for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    # The keys come back in the order of the VALUES for a plain INSERT on both databases, which
    # Django's own bulk_create relies on too.
    for obj, (key,) in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, connection.alias
