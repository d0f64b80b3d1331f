"""`runtimers`: the timer loop. Safe to run on several nodes; stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sunlight.lib import timers


class Command(BaseCommand):
    help = "Run the timers (alarms, ledger checkpoints and verification) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every handler once and exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.TIMERS_INTERVAL_SECONDS,
            help="seconds between rounds (default: TIMERS_INTERVAL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._report(timers.run_once())
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            # Finish the round in progress (each handler commits per item), then leave.
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        names = ", ".join(h.name for h in timers.handlers()) or "none registered"
        self.stdout.write(f"runtimers: every {options['interval']} s; handlers: {names}")
        while not stop.is_set():
            self._report(timers.run_once(), quiet=True)
            stop.wait(options["interval"])
        self.stdout.write("runtimers: stopped")

    def _report(self, done: dict[str, int], quiet: bool = False) -> None:
        for name, count in done.items():
            if count or not quiet:
                self.stdout.write(f"{name}: {count}")
