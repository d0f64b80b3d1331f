"""`restore PATH`: replace the database and uploaded files with a backup's (server stopped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlight.operations import backups


class Command(BaseCommand):
    help = "Restore a backup archive written by `backup`, then run `verifyledger`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backups.restore(options["path"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the backup of {manifest['created_at']}; now run `manage.py verifyledger`"
        )
