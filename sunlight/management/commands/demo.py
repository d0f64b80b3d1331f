"""`demo`: migrate, load the demo district, and (unless --no-serve) serve it with the timers."""

from __future__ import annotations

import importlib
import importlib.util
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sunlight.accounts.models import User
from sunlight.cases import demo as cases_demo
from sunlight.orgs import demo as orgs_demo
from sunlight.reports import demo as reports_demo

# Each app's demo module has `load()`; they run in this order, skipped when already loaded.
DEMO_APPS = (
    "orgs",
    "calendars",
    "powers",
    "risks",
    "checkpoints",
    "processes",
    "cases",
    "funds",
    "alarms",
    "supervision",
    "notifications",
    "ratings",
    "reports",
    "enforcement",
    "sites",
    "assessments",
)
PROJECT_LOGINS = (("project manager", "swjxm01"), ("project section chief", "swjgc01"))


class Command(BaseCommand):
    help = "Prepare the demo district and serve it on 127.0.0.1:8000 with the timer loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only migrate and load the data")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        for app in DEMO_APPS:
            name = f"sunlight.{app}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            if module.is_loaded():
                self.stdout.write(f"{app}: already loaded.")
                continue
            started = time.monotonic()
            self.stdout.write(f"{app}: {module.DESCRIPTION}…")
            module.load()
            self.stdout.write(f"{app}: loaded in {time.monotonic() - started:.1f} s.")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.print_logins(options["bind"])
        if not options["no_serve"]:
            self.serve(options["bind"])

    def print_logins(self, bind: str) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Sunlight demo: http://{bind}/   (password for every demo login: {orgs_demo.DEMO_PASSWORD})"
        )
        for login in orgs_demo.demo_logins():
            self.stdout.write(f"  {login.persona:<28} {login.username:<10} {login.full_name:<6} {login.post}")
        for persona, username in PROJECT_LOGINS:
            person = User.objects.filter(username=username).first()
            if person is not None:
                self.stdout.write(f"  {persona:<28} {username:<10} {person.full_name:<6} 区水务局 工程建设股")
        self.stdout.write(
            "  Inspectors and administrators set up their supervision key (TOTP) at first sign-in."
        )
        sample = cases_demo.sample_case()
        if sample is not None:
            self.stdout.write(
                f"  Citizen: query case {sample[0]} with the code {sample[1]} at /portal/query/."
            )
        receipt = reports_demo.sample_receipt()
        if receipt is not None:
            self.stdout.write(f"  Whistleblower: follow report {receipt} at /reports/follow/.")
        self.stdout.write("")

    def serve(self, bind: str) -> None:
        manage = [sys.executable, "manage.py"]
        children = [
            subprocess.Popen([*manage, "serve", "--bind", bind]),
            subprocess.Popen([*manage, "runtimers"]),
        ]

        def stop(signum: int, frame: FrameType | None) -> None:
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                child.wait(timeout=30)
