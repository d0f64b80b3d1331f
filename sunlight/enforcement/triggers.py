"""Database triggers that refuse any UPDATE or DELETE of evidence, on SQLite and PostgreSQL.

The models refuse it too (save, delete, bulk update and delete); the triggers catch every other
path, raw SQL included. As with the ledger's triggers, someone who drops them first is not
stopped by them: the evidence's SHA-256 is in the ledger (`enforcement.capture`), so a changed
file or row no longer matches the signed record.

TRUNCATE is not refused on PostgreSQL: Django's `flush` (between transactional tests) truncates
every table and only knows to lift the ledger's triggers. `lifted()` removes these for a flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("enforcement_evidence", "enforcement_evidenceuse")
MESSAGE = "evidence is immutable"


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION enforcement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}: % on %', TG_OP, TG_TABLE_NAME; END $$"
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION enforcement_immutable()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for op in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {op} on {table}'); END"
                    )
        else:  # pragma: no cover - only the two supported databases
            raise NotImplementedError(connection.vendor)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """For emptying a test database only (see the module docstring)."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
