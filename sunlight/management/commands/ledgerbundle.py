"""`ledgerbundle TYPE ID`: write the offline verification bundle of one object's trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlight.ledger.bundles import bundle_json


class Command(BaseCommand):
    help = (
        "Print the offline verification bundle (JSON) of one object, e.g. `ledgerbundle orgs.delegation 3`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("object_type")
        parser.add_argument("object_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(bundle_json(options["object_type"], options["object_id"]))
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
