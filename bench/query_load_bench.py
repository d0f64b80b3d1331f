"""The public case query under load, against a constant view of the same server (wrk on loopback).

Run: `make bench`, or `.venv/bin/python bench/query_load_bench.py [--seconds 15]` (needs wrk:
Debian package `wrk`, installed by `make bench`).

The real server (`manage.py serve`: gunicorn) answers POST /api/v1/portal/case-query for 200
demo cases with their right query codes, picked at random by a wrk Lua script; the reference is
GET /ping on the same server in the same run. Targets: throughput ≥ 0.7× the constant view, p99
under 50 ms at 64 connections; afterwards each web worker stays under 200 MB resident.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str], count: int) -> list[tuple[str, str]]:
    script = f"""
import django, json; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from sunlight.orgs import demo as o; o.load()
from sunlight.checkpoints import demo as c; c.load()
from sunlight.processes import demo as p; p.load()
from sunlight.cases import actions
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Assignment
from sunlight.processes.models import ProcessDefinition
clerk = Assignment.objects.filter(post__code="SWJ-CK03").order_by("pk").first().person
definition = ProcessDefinition.objects.current("QSXK")
out = []
for n in range({count}):
    case, code = actions.start_case(Actor.of(clerk), definition=definition, subject=f"取水 {{n}}",
        applicant=actions.ApplicantData(kind="company", name="湖南某水务有限公司", id_number="91430112MA4L000002"),
        acknowledged_risks=[], acknowledged=True)
    out.append([case.number, code])
print(json.dumps(out))
"""
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return [tuple(pair) for pair in json.loads(result.stdout.strip().splitlines()[-1])]


LUA = """
local cases = {%s}
math.randomseed(1)
request = function()
  local pair = cases[math.random(#cases)]
  local body = '{"number":"' .. pair[1] .. '","code":"' .. pair[2] .. '"}'
  return wrk.format("POST", "/api/v1/portal/case-query", {["Content-Type"]="application/json"}, body)
end
"""


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> tuple[float, float, int]:
    """Requests per second, p99 in milliseconds, and non-2xx answers."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99_match = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    assert p99_match is not None, output
    value, unit = float(p99_match.group(1)), p99_match.group(2)
    p99 = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p99, int(bad.group(1)) if bad else 0


def worker_rss_mib(master: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="sunlight-query-bench-")
    env = {
        **os.environ,
        "VAR_DIR": directory,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{directory}/db.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "sunlight.settings",
        "LOG_LEVEL": "WARNING",
        "PORTAL_THROTTLE_LIMIT": "1000000",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    pairs = prepare(env, 200)
    script = Path(directory) / "query.lua"
    script.write_text(LUA % ",".join(f'{{"{n}","{c}"}}' for n, c in pairs), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        wrk(f"{base}/ping", 2, args.connections)  # warm up both paths
        wrk(base, 2, args.connections, str(script))
        ping_rate, ping_p99, _ = wrk(f"{base}/ping", args.seconds, args.connections)
        query_rate, query_p99, query_bad = wrk(base, args.seconds, args.connections, str(script))
        memory = worker_rss_mib(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"server: gunicorn, {args.workers} workers; wrk: 2 threads, {args.connections} connections, {args.seconds} s each"
    )
    print(f"constant view /ping (reference): {ping_rate:,.0f} requests/s, p99 {ping_p99:.1f} ms")
    print(
        f"public case query:               {query_rate:,.0f} requests/s, p99 {query_p99:.1f} ms, non-2xx {query_bad}"
    )
    print(f"ratio: {query_rate / ping_rate:.2f}x the constant view (target >= 0.7x); p99 target < 50 ms")
    print(
        f"web workers' memory after the load: {', '.join(f'{m:.0f} MiB' for m in memory)} (target < 200 MB each)"
    )


if __name__ == "__main__":
    main()
