"""`flush`, made aware of the append-only triggers (ledger, evidence).

Django's flush empties every table (tests between transactional test cases do it too); the
triggers refuse that for the ledger and evidence tables, so they are lifted for the flush and put back.
Emptying the database is noticed anyway: the published checkpoints no longer match.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from sunlight.enforcement import triggers as evidence_triggers
from sunlight.ledger import triggers

# The append-only tables: the ledger's, and the evidence of the scene.
GUARDED = (triggers, evidence_triggers)


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        for module in GUARDED:
            module.remove(connection)
        try:
            super().handle(**options)
        finally:
            for module in GUARDED:
                module.install(connection)
