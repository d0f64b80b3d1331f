"""`backup PATH`: the database and uploaded files in one archive (keys are kept apart)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sunlight.operations import backups


class Command(BaseCommand):
    help = "Write a backup archive of the database and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        target = backups.create(options["path"])
        self.stdout.write(f"backup written to {target}")
