"""The benchmarks that load their data with SQL of their own still run against today's schema.

`make bench` is not part of `make test`; a column added by a migration once broke the timer
sweep's loader unnoticed. Each runs here at a tiny size in its own process and database (the
figures are not looked at: `make bench` is where they are measured).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    finished = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def test_it_runs_the_timer_sweep_benchmark_on_the_current_schema() -> None:
    figures = json.loads(run_bench("bench/timers_bench.py", "--size", "200", "--due", "20").splitlines()[-1])
    assert figures["open_steps"] == 201
    assert figures["raised"] == 21


def test_it_runs_the_dashboard_benchmark_on_the_current_schema() -> None:
    printed = run_bench("bench/dashboard_bench.py", "--cases", "2000", "--units", "20", "--runs", "1")
    assert "target <= 500 ms" in printed
