"""`verifyledger`: recompute the ledger and check every checkpoint; exit 1 on any problem."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sunlight.ledger import verification


class Command(BaseCommand):
    help = "Verify every ledger leaf, the Merkle tree and every signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-record", action="store_true", help="do not store the result")

    def handle(self, *args: Any, **options: Any) -> None:
        started = timezone.now()
        report = verification.verify_ledger()
        if not options["no_record"]:
            verification.record(report, started)
        if report.ok:
            self.stdout.write(report.summary())
            return
        self.stderr.write(report.summary())
        for problem in report.problems:
            self.stderr.write(f"  - {problem.message}")
        sys.exit(1)
