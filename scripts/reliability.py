"""`make reliability`: the crash-and-restart test and the soak, against the real server.

Crash: a load generator on loopback drives gunicorn and `runtimers`; both are killed with
SIGKILL in the middle of the load and started again. Afterwards every action the client saw
succeed must be in the database, the ledger must verify, no alarm may be duplicated, and the
timers must have resumed.

Soak: mixed traffic at a fixed rate for a fixed time (10 minutes by default): no errors, and the
web workers' memory grows by less than 10%.

Usage: .venv/bin/python scripts/reliability.py [--soak-seconds 600] [--crash-seconds 40]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
PASSWORD = "Sunlight-2026"
APPLICANT = {"kind": "company", "name": "湖南某建设有限公司", "id_number": "91430112MA4L000001", "phone": ""}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn and runtimers as their own process groups, so that SIGKILL takes them whole."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.web: subprocess.Popen[bytes] | None = None
        self.timers: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(Path(self.env["VAR_DIR"]) / "server.log", "ab")  # noqa: SIM115 - kept open for the child
        self.web = subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.timers = subprocess.Popen(
            [PYTHON, "manage.py", "runtimers", "--interval", "1"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # answering (503 until the timers ran): up
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        for process in (self.web, self.timers):
            if process is not None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for process in (self.web, self.timers):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    def worker_rss_kib(self) -> int:
        """Resident memory of the web workers (children of the gunicorn master)."""
        assert self.web is not None
        total = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.web.pid):
                total += int(fields.get("VmRSS", "0 kB").split()[0])
        return total


class Session:
    """A signed-in browser-like session: cookies, CSRF token, JSON calls."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(f"{base}/accounts/login/", timeout=10).read()
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        )
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=form.encode(), headers={"Referer": base}
        )
        self.opener.open(request, timeout=10).read()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf(), "Referer": self.base},
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, None


@dataclass
class Seen:
    """What the client saw succeed: these must all be in the database afterwards."""

    cases: set[str] = field(default_factory=set)
    steps: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def drive(base: str, clerk: str, seen: Seen, stop: threading.Event, rate: float) -> None:
    """Accept applications and complete their first step, as fast as `rate` per second allows."""
    session: Session | None = None
    while not stop.is_set():
        started = time.monotonic()
        try:
            session = session or Session(base, clerk)
            status, body = session.call(
                "POST",
                "/api/v1/cases",
                {
                    "process": "JSXM-BL",
                    "subject": "可靠性测试",
                    "applicant": APPLICANT,
                    "risks_acknowledged": True,
                },
            )
            if status == 201:
                number = body["case"]["number"]
                with seen.lock:
                    seen.cases.add(number)
                step = body["case"]["steps"][0]["id"]
                status, _ = session.call(
                    "POST",
                    f"/api/v1/cases/{number}/steps/{step}/complete",
                    {
                        "values": {"project_name": "厂房", "investment": "100.00", "site_area": 10},
                    },
                )
                if status == 200:
                    with seen.lock:
                        seen.steps.add(step)
            elif status >= 500:
                seen.errors.append(f"start: {status}")
        except (OSError, KeyError, StopIteration):
            session = None  # the server is down (the crash test): sign in again when it is back
            time.sleep(0.2)
        stop.wait(max(0.0, 1 / rate - (time.monotonic() - started)))


def browse(base: str, seen: Seen, stop: threading.Event, rate: float) -> None:
    """Public pages: the portal, the case query form, the API schema."""
    paths = ["/", "/cases/query/", "/api/v1/openapi.json", "/healthz", "/documents/verify/"]
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + random.choice(paths), timeout=20) as response:  # noqa: S311
                response.read()
        except urllib.error.HTTPError as exc:
            # /healthz answers 503 until the first timer round: that is its job, not an error.
            if exc.code >= 500 and not (exc.code == 503 and exc.url.endswith("/healthz")):
                seen.errors.append(f"browse: {exc.code} {exc.url}")
        except OSError:
            time.sleep(0.2)
        stop.wait(max(0.0, 1 / rate - (time.monotonic() - started)))


def prepare(env: dict[str, str]) -> str:
    """A fresh database with the demo district and processes; returns the intake clerk's username."""
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from sunlight.orgs import demo as o; o.load();"
        "from sunlight.checkpoints import demo as c; c.load();"
        "from sunlight.processes import demo as p; p.load();"
        "from sunlight.orgs.models import Assignment;"
        "print(Assignment.objects.filter(post__code='ZWZX-CK03').order_by('pk').first().person.username)"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def check(env: dict[str, str], seen: Seen, restarted_at: float) -> list[str]:
    script = f"""
import django, json, datetime as dt; django.setup()
from django.db.models import Count
from sunlight.cases.models import Case, Step
from sunlight.alarms.models import Alarm
from sunlight.ledger.verification import verify_ledger
from sunlight.operations.models import TimerRun
cases = set(Case.objects.filter(number__in={sorted(seen.cases)!r}).values_list("number", flat=True))
done = set(Step.objects.filter(pk__in={sorted(seen.steps)!r}, state="done").values_list("pk", flat=True))
dupes = list(Alarm.objects.values("kind", "subject_type", "subject_id", "level").annotate(n=Count("pk")).filter(n__gt=1, kind__in=["step_due_soon", "step_overdue", "case_overdue", "case_due_soon"]).values_list("kind", "subject_id"))
report = verify_ledger()
latest = TimerRun.objects.order_by("-last_started").values_list("last_started", flat=True).first()
print(json.dumps({{"missing_cases": sorted(set({sorted(seen.cases)!r}) - cases),
  "missing_steps": sorted(set({sorted(seen.steps)!r}) - done), "duplicates": dupes, "ledger": report.summary(),
  "ledger_ok": report.ok, "timers_after_restart": latest.timestamp() > {restarted_at} if latest else False}}))
"""
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    problems = []
    if outcome["missing_cases"]:
        problems.append(f"cases the client saw accepted are missing: {outcome['missing_cases'][:5]}")
    if outcome["missing_steps"]:
        problems.append(f"steps the client saw completed are not done: {outcome['missing_steps'][:5]}")
    if outcome["duplicates"]:
        problems.append(f"duplicated alarms: {outcome['duplicates'][:5]}")
    if not outcome["ledger_ok"]:
        problems.append(outcome["ledger"])
    if not outcome["timers_after_restart"]:
        problems.append("the timers did not resume after the restart")
    print(f"  {len(seen.cases)} cases and {len(seen.steps)} steps seen; {outcome['ledger']}")
    return problems


def crash_test(seconds: float) -> list[str]:
    print("crash test: load, SIGKILL the server and the timers, restart, load, check")
    directory = tempfile.mkdtemp(prefix="sunlight-crash-")
    env = {
        **os.environ,
        "VAR_DIR": directory,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{directory}/db.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "sunlight.settings",
        "LEDGER_CHECKPOINT_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clerk = prepare(env)
    port = free_port()
    server = Server(env, port)
    base = f"http://127.0.0.1:{port}"
    seen, stop = Seen(), threading.Event()
    server.start()
    workers = [threading.Thread(target=drive, args=(base, clerk, seen, stop, 4.0)) for _ in range(3)]
    for worker in workers:
        worker.start()
    time.sleep(seconds / 2)
    server.kill()
    print(f"  killed with SIGKILL after {seconds / 2:.0f} s ({len(seen.cases)} cases accepted so far)")
    time.sleep(1)
    restarted_at = time.time()
    server.start()
    time.sleep(seconds / 2)
    stop.set()
    for worker in workers:
        worker.join()
    time.sleep(3)  # one more timer round after the load
    server.stop()
    problems = check(env, seen, restarted_at) + seen.errors[:5]
    return problems


def soak(seconds: float) -> list[str]:
    print(f"soak: {seconds:.0f} s of mixed traffic at a fixed rate")
    directory = tempfile.mkdtemp(prefix="sunlight-soak-")
    env = {
        **os.environ,
        "VAR_DIR": directory,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{directory}/db.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "sunlight.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clerk = prepare(env)
    port = free_port()
    server = Server(env, port)
    base = f"http://127.0.0.1:{port}"
    seen, stop = Seen(), threading.Event()
    server.start()
    threads = [
        threading.Thread(target=drive, args=(base, clerk, seen, stop, 2.0)),
        threading.Thread(target=browse, args=(base, seen, stop, 8.0)),
    ]
    for thread in threads:
        thread.start()
    warm = min(60.0, seconds / 5)
    time.sleep(warm)
    before = server.worker_rss_kib()
    time.sleep(seconds - warm)
    after = server.worker_rss_kib()
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    growth = (after - before) / before if before else 0.0
    print(
        f"  {len(seen.cases)} cases, workers' memory {before / 1024:.0f} MiB -> {after / 1024:.0f} MiB ({growth * 100:+.1f}%)"
    )
    problems = list(seen.errors[:5])
    if growth >= 0.10:
        problems.append(f"the web workers' memory grew by {growth * 100:.1f}% (limit 10%)")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crash-seconds", type=float, default=40)
    parser.add_argument("--soak-seconds", type=float, default=600)
    args = parser.parse_args()
    problems = crash_test(args.crash_seconds) + soak(args.soak_seconds)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("reliability: passed")


if __name__ == "__main__":
    main()
