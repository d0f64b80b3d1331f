"""The command-line side of the workbook imports: progress on the terminal, errors listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.powers.jobs import Importer


class ImportCommand(BaseCommand):
    """`<verb> FILE [--user NAME]`: import a workbook all or nothing, showing progress."""

    importer: Importer
    what = "rows"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            default="",
            help="act as this person (their posts decide what they may change); default: the system",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        actor = Actor.system(Channel.IMPORT)
        if options["user"]:
            user = User.objects.filter(username=options["user"].lower()).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
            actor = Actor.of(user, Channel.IMPORT)
        shown = [-1]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            if percent // 5 != shown[0] // 5 or done == total:
                shown[0] = percent
                self.stdout.write(f"  {done}/{total} {self.what} checked ({percent}%)")

        with path.open("rb") as file:
            report = type(self).importer(actor, file, progress)
        if not report.ok:
            for e in report.errors:
                self.stderr.write(f"{e.sheet} row {e.row} [{e.column}]: {e.message}")
            raise CommandError(f"{len(report.errors)} problems found; nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"imported: {report.created} created, {report.changed} changed, {report.unchanged} unchanged"
            )
        )
