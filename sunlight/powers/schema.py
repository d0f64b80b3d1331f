"""Database objects the models cannot declare: the search index and the immutability triggers.

Installed by migration 0002 and again after every `migrate` (post_migrate): SQLite drops a
table's triggers when Django rebuilds the table for a later schema change, and everything
here is idempotent.

- Search: SQLite gets an FTS5 table with the trigram tokenizer; PostgreSQL gets pg_trgm and
  a GIN trigram index on the folded search text (see `search.py`).
- Immutability: an UPDATE of a published version, or an INSERT/UPDATE of a part of one, is
  refused by the database itself, whatever path the write takes. DELETE is left to the
  models' guards, so that `flush` (between transactional tests) can still empty the tables.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "a published power version is immutable"
# Tables holding a version's parts, and the column naming their version.
PART_TABLES = {
    "powers_subitem": "version_id",
    "powers_legalbasis": "version_id",
    "powers_specialprocedure": "version_id",
    "powers_fee": "version_id",
    "powers_material": "version_id",
    "powers_accountabilityclause": "version_id",
    "powers_powerversion_posts": "powerversion_id",
}


def install(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        _install_sqlite(connection)
    elif connection.vendor == "postgresql":
        _install_postgresql(connection)
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(connection.vendor)


def _install_sqlite(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS powers_search USING fts5(body, tokenize='trigram')"
        )
        cursor.execute(
            "CREATE TRIGGER IF NOT EXISTS powers_version_immutable BEFORE UPDATE ON powers_powerversion "
            f"WHEN OLD.state = 'published' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        for table, column in PART_TABLES.items():
            # Table and column names come from PART_TABLES above, never from input.
            for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD")):
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_immutable_{op.lower()} BEFORE {op} ON {table} "  # noqa: S608
                    f"WHEN (SELECT state FROM powers_powerversion WHERE id = {row}.{column}) = 'published' "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def _install_postgresql(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        # `migrate` inside a transaction that has written rows (the demo command run again, in a
        # test) leaves deferred foreign-key checks pending, and PostgreSQL refuses DDL on a table
        # with pending trigger events: run the checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS powers_version_search_trgm "
            "ON powers_powerversion USING gin (search_text gin_trgm_ops)"
        )
        cursor.execute(
            "CREATE OR REPLACE FUNCTION powers_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        cursor.execute(
            "CREATE OR REPLACE TRIGGER powers_version_immutable BEFORE UPDATE ON powers_powerversion "
            "FOR EACH ROW WHEN (OLD.state = 'published') EXECUTE FUNCTION powers_version_immutable()"
        )
        for table, column in PART_TABLES.items():
            function = f"{table}_immutable"
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
                "DECLARE vid bigint; BEGIN "
                f"IF TG_OP = 'INSERT' THEN vid := NEW.{column}; ELSE vid := OLD.{column}; END IF; "
                "IF EXISTS (SELECT 1 FROM powers_powerversion WHERE id = vid AND state = 'published') "
                f"THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS powers_search")
            cursor.execute("DROP TRIGGER IF EXISTS powers_version_immutable")
            for table in PART_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable_insert")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable_update")
        else:
            cursor.execute("DROP INDEX IF EXISTS powers_version_search_trgm")
            cursor.execute("DROP TRIGGER IF EXISTS powers_version_immutable ON powers_powerversion")
            cursor.execute("DROP FUNCTION IF EXISTS powers_version_immutable()")
            for table in PART_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_immutable()")
