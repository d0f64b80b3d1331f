"""`flush`, made aware of the ledger's append-only triggers.

Django's flush empties every table (tests between transactional test cases do it too); the
triggers refuse that for the ledger tables, so they are lifted for the flush and put back.
Emptying the database is noticed anyway: the published checkpoints no longer match.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from sunlight.ledger import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection)
