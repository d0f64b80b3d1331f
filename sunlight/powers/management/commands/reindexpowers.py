"""`reindexpowers`: rebuild the SQLite full-text index of the published power list (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from sunlight.powers import search


class Command(BaseCommand):
    help = "Rebuild the trigram search index of the published power versions (SQLite; PostgreSQL needs none)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = search.rebuild()
        self.stdout.write(f"{count} published versions indexed.")
