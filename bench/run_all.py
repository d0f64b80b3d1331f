"""`make bench`: run every benchmark and write docs/performance.md with their output.

Each benchmark prints its figures as ratios to a reference measured in the same run; this
script only runs them in turn (in fresh processes) and records what they printed.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCHMARKS = [
    (
        "Ledger: appends inside actions, full verification",
        ["bench/ledger_bench.py", "--actions", "2000", "--leaves", "100000"],
    ),
    (
        "Case lifecycle: Sunlight vs plain sqlite3 vs SpiffWorkflow 3.2",
        ["bench/engine_bench.py", "--cases", "100"],
    ),
    ("Portal search for 建设工程", ["bench/search_bench.py"]),
    ("Electronic checkpoints: 20 rules per action", ["bench/checkpoints_bench.py"]),
    ("Timer sweep: 1,000,000 open steps, 1,000 due", ["bench/timers_bench.py"]),
    ("Public case query under load (wrk, 64 connections)", ["bench/query_load_bench.py"]),
    ("District dashboard over 1,000,000 cases (SQLite)", ["bench/dashboard_bench.py"]),
    (
        "District dashboard over 1,000,000 cases (PostgreSQL)",
        ["bench/dashboard_bench.py", "--database", "postgres"],
    ),
    ("Ledger proofs at 10,000,000 leaves (inclusion, consistency)", ["bench/proof_bench.py"]),
    ("Excel import of the demo power list and risk register, with progress", ["bench/import_bench.py"]),
]


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    sections = []
    failed = []
    for title, args in BENCHMARKS:
        if not (ROOT / args[0]).exists():
            continue
        started = time.monotonic()
        result = subprocess.run([PYTHON, *args], cwd=ROOT, capture_output=True, text=True, check=False)
        lines = [line for line in result.stdout.splitlines() if not line.startswith("{")]
        status = (
            ""
            if result.returncode == 0
            else f"\n(exit code {result.returncode}: {result.stderr.strip().splitlines()[-1:]})"
        )
        sections.append(
            f"## {title}\n\nCommand: `.venv/bin/python {' '.join(args)}` ({time.monotonic() - started:.0f} s)\n\n"
            "```\n" + "\n".join(lines) + status + "\n```\n"
        )
        outcome = "done" if result.returncode == 0 else f"FAILED (exit code {result.returncode})"
        print(f"{title}: {outcome} in {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(title)
    header = (
        "# Performance\n\n"
        f"Written by `make bench` on {dt.datetime.now(dt.UTC).date().isoformat()} ({machine()}). Every figure is printed by a\n"
        "benchmark in `bench/` as a ratio to a reference measured in the same run. Targets and the\n"
        "analysis of the gaps are in `docs/performance-notes.md`.\n\n"
    )
    (ROOT / "docs" / "performance.md").write_text(header + "\n".join(sections), encoding="utf-8")
    if failed:
        # The page is written anyway (it shows each failure's last line); `make bench` fails.
        sys.exit(f"{len(failed)} benchmark(s) failed: {'; '.join(failed)}")


if __name__ == "__main__":
    main()
