"""The case row locked for a step's completion, with what the step needs, in one statement.

Every step of every case starts here; through the ORM (`select_for_update().select_related(...)`)
building the query and decoding the definition's whole document cost more than half a
millisecond, a fifth of the step. The definition's graph comes from the process-wide cache of
published graphs, keyed by the document's stored text.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import connection

from sunlight.cases import clock, engine
from sunlight.cases.models import Case
from sunlight.lib import rows
from sunlight.orgs.models import Organisation
from sunlight.processes.definition import Definition
from sunlight.processes.models import ProcessDefinition, published_graph_from_text


@cache
def _sql(vendor: str) -> str:
    document = "d.document::text" if vendor == "postgresql" else "d.document"
    # SQLite has no row locks: its transactions take the write lock when they begin (IMMEDIATE).
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    tables = (
        f"{Case._meta.db_table} c "
        f"JOIN {Organisation._meta.db_table} o ON o.id = c.owner_id "
        f"JOIN {ProcessDefinition._meta.db_table} d ON d.id = c.definition_id"
    )
    # On SQLite the case's steps (their node ids: which iteration a node opens next) and its
    # suspensions (the clock of the steps it opens) come along, two round trips fewer: there the
    # IMMEDIATE transaction holds the write lock before this statement reads anything. Not on
    # PostgreSQL: a statement's snapshot is taken before it waits for the row lock, so these
    # subqueries could miss what the transaction it waited for committed (a resumed clock, a
    # step opened meanwhile); there they are read after the lock, by their own statements.
    extra = ""
    if vendor != "postgresql":
        extra = (
            ", (SELECT group_concat(s.node_id, char(31)) FROM cases_step s WHERE s.case_id = c.id)"
            ", (SELECT group_concat(p.started_on || ' ' || coalesce(p.ended_on, ''), ',') "
            "FROM cases_suspension p WHERE p.case_id = c.id)"
        )
    selected = f"{rows.columns(Case, 'c')}, {rows.columns(Organisation, 'o')}{extra}, {document}"
    # Identifiers from the models' metadata; the one value is a parameter.
    return f"SELECT {selected} FROM {tables} WHERE c.id = %s{lock}"  # noqa: S608


def lock_case(pk: int) -> tuple[Case, Definition]:
    """The case, locked until the transaction ends, with its owner loaded, and its graph."""
    row = rows.fetchone(_sql(rows.db().vendor), [pk])
    if row is None:
        raise Case.DoesNotExist(f"case {pk}")
    width = rows.width(Case)
    case = rows.instance(Case, row[:width])
    owner_end = width + rows.width(Organisation)
    rows.attach(case, "owner", rows.instance(Organisation, row[width:owner_end]))
    if len(row) > owner_end + 1:  # SQLite: the node ids and suspensions came along
        nodes, stops = row[owner_end : owner_end + 2]
        engine.remember_iterations(case, nodes.split("\x1f") if nodes else [])
        clock.remember_suspensions(case, [_interval(stop) for stop in stops.split(",")] if stops else [])
    return case, published_graph_from_text(case.definition_id, row[-1])


def _interval(text: str) -> tuple[dt.date, dt.date | None]:
    started, _, ended = text.partition(" ")
    return dt.date.fromisoformat(started), dt.date.fromisoformat(ended) if ended else None
