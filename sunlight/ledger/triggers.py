"""Database triggers that make the ledger tables append-only, on SQLite and PostgreSQL.

They stop accidents and casual edits. They do not stop a superuser who drops them first: that
is what the Merkle tree and the signed checkpoints are for (`verifyledger` finds the edit).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("ledger_leaf", "ledger_node", "ledger_checkpoint", "ledger_verification")
MESSAGE = "the ledger is append-only"


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}: % on %', TG_OP, TG_TABLE_NAME; END $$"
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
                )
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
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
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
