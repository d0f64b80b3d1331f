"""Timer sweep benchmark: the yellow/red card sweep over 1,000,000 open steps, 1,000 of them due.

Run: `.venv/bin/python bench/timers_bench.py` (both sizes, prints the ratio) or
`.venv/bin/python bench/timers_bench.py --size 1000000` (one size). Each size gets a throwaway
SQLite database of its own (in a child process), filled with raw SQL `executemany`: one open
case per open step, minimal valid foreign keys. The clock is frozen on Monday 2026-11-02.

Of the due ones, a quarter each: cases overdue (one CASE_OVERDUE each), cases due tomorrow
(CASE_DUE_SOON), steps overdue in cases that are not (STEP_OVERDUE), steps due today in cases
that are not (STEP_DUE_SOON): 1,000 alarms, each with its ledger leaf. Targets: the sweep that
raises them takes ≤ 0.5 s at 1,000,000 open steps, and at most 2× the same sweep at 10,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")

TODAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
BATCH = 50_000


def setup_database() -> None:
    import django

    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="sunlight-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ["VAR_DIR"] = directory
        os.environ.setdefault("SEAL_DIR", directory + "/seals")
        os.environ.setdefault("MEDIA_ROOT", directory + "/media")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(total: int, due: int) -> dict[str, int]:
    """One real case (for valid foreign keys), then `total` open cases with one open step each."""
    from django.db import connection, transaction

    from sunlight.cases.tests.factories import published, start
    from sunlight.ledger.actor import Actor
    from sunlight.test import create_personas

    class District:
        pass

    district = District()
    create_personas(district)
    real, _code = start(Actor.of(district.clerk), published())  # type: ignore[attr-defined]
    today = TODAY.date()
    tomorrow = today + dt.timedelta(days=1)  # Tuesday: inside a one-working-day window
    far = today + dt.timedelta(days=60)
    quarter = due // 4

    def dates(i: int) -> tuple[dt.date, dt.date]:
        """(case due, step due) of the i-th case."""
        if i < quarter:
            return today - dt.timedelta(days=3), today - dt.timedelta(days=3)  # case overdue
        if i < 2 * quarter:
            return tomorrow, tomorrow  # case due soon
        if i < 3 * quarter:
            return far, today - dt.timedelta(days=1)  # step overdue, case not
        if i < due:
            return far, today  # step due soon, case not
        spread = dt.timedelta(days=20 + i % 300)
        return today + spread + dt.timedelta(days=30), today + spread

    started = TODAY - dt.timedelta(days=10)
    base = real.pk + 1
    case_sql = (
        "INSERT INTO cases_case (id, number, definition_id, owner_id, applicant_id, subject, state, "
        "query_code_digest, started_at, started_by_id, due_date, due_provisional, extended_days, data, "
        "acknowledged_risks, joins) "
        "VALUES (%s, %s, %s, %s, %s, %s, 'running', '-', %s, %s, %s, 0, 0, '{}', '[]', '{}')"
    )
    step_sql = (
        "INSERT INTO cases_step (case_id, node_id, iteration, name, stage_name, unit_id, state, "
        '"limit", activated_at, due_date, due_provisional, decision, reason, form_data) '
        "VALUES (%s, 'accept', 1, '窗口受理', '受理', %s, 'active', 1, %s, %s, 0, '', '', '{}')"
    )
    ops = connection.ops
    started_db = ops.adapt_datetimefield_value(started)
    for first in range(0, total, BATCH):
        cases, steps = [], []
        for i in range(first, min(total, first + BATCH)):
            case_due, step_due = dates(i)
            pk = base + i
            cases.append(
                (
                    pk,
                    f"BENCH-{i:07d}",
                    real.definition_id,
                    real.owner_id,
                    real.applicant_id,
                    "基准测试",
                    started_db,
                    real.started_by_id,
                    case_due.isoformat(),
                )
            )
            steps.append((pk, real.owner_id, started_db, step_due.isoformat()))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(case_sql, cases)
            cursor.executemany(step_sql, steps)
    if connection.vendor == "sqlite":
        # Fold the bulk load's write-ahead log into the database file now, so that the sweep's
        # first commit does not pay for checkpointing a million rows (a running system's WAL
        # is small). No ANALYZE: a deployment has no statistics either.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"cases": total + 1}


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run_size(total: int, due: int) -> dict[str, float]:
    import time_machine

    setup_database()
    from django.db import connection, transaction

    from sunlight.alarms.models import Alarm
    from sunlight.alarms.sweep import sweep

    with time_machine.travel(TODAY, tick=False):
        build_started = time.perf_counter()
        populate(total, due)
        build = time.perf_counter() - build_started
        before = Alarm.objects.count()
        # The same sweep, each time rolled back: the first warms up (imports, translation
        # catalogues, the calendar), the median of the others is steadier than one run.
        rehearsals = []
        for _ in range(6):
            with transaction.atomic():
                rehearsals.append(timed(sweep)[0])
                transaction.set_rollback(True)
        first, raised = timed(sweep)
        steady = [timed(sweep)[0] for _ in range(5)]
        assert Alarm.objects.count() - before == raised
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM cases_step WHERE state = 'active'")
            open_steps = cursor.fetchone()[0]
    return {
        "open_steps": open_steps,
        "raised": raised,
        "first_sweep": first,
        "rehearsed_sweep": statistics.median(rehearsals[1:]),
        "steady_sweep": statistics.median(steady),
        "build_seconds": build,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, help="run one size in this process and print JSON")
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.size:
        print(json.dumps(run_size(args.size, args.due)))
        return
    results = {}
    for size in (args.small, args.large):
        out = subprocess.run(
            [sys.executable, __file__, "--size", str(size), "--due", str(args.due)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
    for r in results.values():
        print(
            f"{r['open_steps']:>9,} open steps ({args.due} due): sweep raising {r['raised']} alarms "
            f"{r['first_sweep'] * 1000:.0f} ms (median of 5 rehearsals {r['rehearsed_sweep'] * 1000:.0f} ms); "
            f"sweep with nothing new {r['steady_sweep'] * 1000:.1f} ms (database built in {r['build_seconds']:.0f} s)"
        )
    small, large = results[args.small], results[args.large]
    ratio = large["rehearsed_sweep"] / small["rehearsed_sweep"]
    steady_ratio = large["steady_sweep"] / small["steady_sweep"]
    print(
        f"sweep at {args.large:,}: {large['first_sweep']:.3f} s, median {large['rehearsed_sweep']:.3f} s (target <= 0.5 s)"
    )
    print(
        f"ratio {args.large:,} / {args.small:,}: {ratio:.2f}x raising (medians), "
        f"{steady_ratio:.2f}x with nothing new (target <= 2x)"
    )


if __name__ == "__main__":
    main()
