"""Dashboard benchmark: the district dashboard over 1,000,000 cases' worth of summary rows.

Run: `make bench` (all benchmarks) or `.venv/bin/python bench/dashboard_bench.py [--cases N]
[--database sqlite|postgres]`. Uses a throwaway SQLite database, or a throwaway PostgreSQL
cluster started with `scripts/with-postgres` as `make test` does. It writes the summary tables the timer
keeps (per day × unit × power category: cases; per day × unit × kind × level: alarms; funds;
ratings; the open snapshot) for a year of `--cases` cases spread over `--units` units, then
times the district dashboard page, as an inspector of the whole district sees it, against a
trivial page (the public results page with nothing published) in the same run. Target: ≤ 500 ms of server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")
os.environ.setdefault("MANIFEST_STATIC", "false")  # no collectstatic needed for a benchmark

YEAR_START = dt.date(2025, 1, 1)
CATEGORIES = (
    "licensing",
    "penalty",
    "coercion",
    "levy",
    "benefit",
    "inspection",
    "confirmation",
    "reward",
    "adjudication",
    "other",
    "public_service",
)
ALARM_KINDS = (
    "step_due_soon",
    "case_due_soon",
    "step_overdue",
    "case_overdue",
    "township_late",
    "off_system",
)


def setup_database() -> None:
    import django

    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="sunlight-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ["VAR_DIR"] = directory
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(cases: int, unit_count: int, rng: random.Random) -> list[int]:
    """Summary rows for `cases` cases over a year; returns the unit ids."""
    from sunlight.assessments.models import (
        DailyAlarms,
        DailyCases,
        DailyFunds,
        DailyRatings,
        MonthlyCases,
        MonthlyRatings,
        OpenCases,
    )
    from sunlight.orgs.models import CodeScheme, Organisation, OrgKind

    district = Organisation.objects.create(
        code="430112000000", code_scheme=CodeScheme.DIVISION, name="望城区", kind=OrgKind.DISTRICT
    )
    units = Organisation.objects.bulk_create(
        [
            Organisation(
                code=f"B{n:06d}",
                code_scheme=CodeScheme.INTERNAL,
                name=f"单位{n:05d}",
                kind=OrgKind.DEPARTMENT,
                parent=district,
                sort=n,
            )
            for n in range(unit_count)
        ],
        batch_size=1000,
    )
    for unit in units:
        unit.unit = unit
    Organisation.objects.bulk_update(units, ["unit"], batch_size=1000)
    ids = [u.pk for u in units]
    # A few big units take most of the work, as in a real district.
    weights = [1.0 / (1 + i) ** 0.7 for i in range(unit_count)]
    per_day = cases // 365
    case_rows: list[Any] = []
    months: dict[tuple[dt.date, int, str], Counter[str]] = {}
    alarm_rows: list[Any] = []
    rating_rows: list[Any] = []
    for offset in range(365):
        day = YEAR_START + dt.timedelta(days=offset)
        keys = Counter(
            zip(rng.choices(ids, weights, k=per_day), rng.choices(CATEGORIES, k=per_day), strict=True)
        )
        for (unit, category), started in keys.items():
            late = sum(1 for _ in range(started) if rng.random() < 0.08)
            counts = {
                "started": started,
                "approved": started - late,
                "refused": late,
                "concluded": started,
                "on_time": started - late,
                "late": late,
            }
            case_rows.append(DailyCases(day=day, unit_id=unit, category=category, **counts))
            for key in (category, "*"):  # the all-categories row of the month (ALL_CATEGORIES)
                months.setdefault((day.replace(day=1), unit, key), Counter()).update(counts)
        for unit in rng.choices(ids, weights, k=per_day // 10):
            alarm_rows.append((day, unit, rng.choice(ALARM_KINDS), rng.choice(("red", "yellow"))))
        for unit in rng.choices(ids, weights, k=per_day // 5):
            rating_rows.append((day, unit, rng.choice(CATEGORIES), rng.choice((5, 5, 5, 4, 4, 3, 2, 1))))
        if len(case_rows) > 20_000:
            DailyCases.objects.bulk_create(case_rows, batch_size=5000)
            case_rows = []
    DailyCases.objects.bulk_create(case_rows, batch_size=5000)
    MonthlyCases.objects.bulk_create(
        [MonthlyCases(month=m, unit_id=u, category=c, **counts) for (m, u, c), counts in months.items()],
        batch_size=5000,
    )
    DailyAlarms.objects.bulk_create(
        [
            DailyAlarms(day=d, unit_id=u, kind=k, level=lv, raised=n)
            for (d, u, k, lv), n in Counter(alarm_rows).items()
        ],
        batch_size=5000,
    )
    daily_ratings: dict[tuple[dt.date, int, str], Counter[str]] = {}
    monthly_ratings: dict[tuple[dt.date, int, str], Counter[str]] = {}
    for (day, unit, category, grade), n in Counter(rating_rows).items():
        daily_ratings.setdefault((day, unit, category), Counter())[f"grade_{grade}"] += n
        for key in (category, "*"):
            monthly_ratings.setdefault((day.replace(day=1), unit, key), Counter())[f"grade_{grade}"] += n
    DailyRatings.objects.bulk_create(
        [DailyRatings(day=d, unit_id=u, category=c, **n) for (d, u, c), n in daily_ratings.items()],
        batch_size=5000,
    )
    MonthlyRatings.objects.bulk_create(
        [MonthlyRatings(month=m, unit_id=u, category=c, **n) for (m, u, c), n in monthly_ratings.items()],
        batch_size=5000,
    )
    DailyFunds.objects.bulk_create(
        [
            DailyFunds(
                day=YEAR_START + dt.timedelta(days=rng.randrange(365)),
                unit_id=rng.choice(ids[:50]),
                payments=1,
                paid_fen=rng.randint(1, 500) * 1_000_000,
                contracts=1,
                contracts_fen=rng.randint(1, 5000) * 1_000_000,
                blocked=rng.choice((0, 0, 0, 1)),
                saved_fen=rng.choice((0, 0, 0, 60_000_000)),
            )
            for _ in range(2000)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    OpenCases.objects.bulk_create(
        [
            OpenCases(unit_id=u, category=c, open=rng.randint(1, 40), overdue=rng.randint(0, 3))
            for u in ids
            for c in rng.sample(CATEGORIES, 3)
        ],
        batch_size=5000,
    )
    return ids


def inspector_client() -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sunlight.accounts.models import User
    from sunlight.orgs.models import Assignment, CodeScheme, Organisation, OrgKind, Post, PostKind

    commission = Organisation.objects.create(
        code="JW-BENCH", code_scheme=CodeScheme.INTERNAL, name="区纪委", kind=OrgKind.COMMISSION
    )
    post = Post.objects.create(
        organisation=commission, code="JW-IN01", name="纪检监察员", kind=PostKind.INSPECTOR
    )
    person = User.objects.create(username="bench-inspector", full_name="李立")
    Assignment.objects.create(person=person, post=post, valid_from=dt.date(2020, 1, 1))
    device = TOTPDevice.objects.create(user=person, name="key", confirmed=True)
    client = Client()
    client.force_login(person)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def time_page(client: Any, path: str, runs: int) -> float:
    """The median server time of `runs` requests, in seconds (the first two warm up)."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    if args.database == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Start the throwaway cluster as `make test` does, and run again inside it.
        root = Path(__file__).resolve().parents[1]
        command = [str(root / "scripts" / "with-postgres"), sys.executable, *sys.argv]
        sys.exit(subprocess.run(command, cwd=root, check=False).returncode)
    setup_database()

    from django.db import connection

    from sunlight.assessments.models import DailyAlarms, DailyCases, MonthlyCases
    from sunlight.assessments.summary import refresh

    started = time.perf_counter()
    ids = build(args.cases, args.units, random.Random(2026))
    built = time.perf_counter() - started
    client = inspector_client()
    refresh()  # the bookmark reaches the ledger's head; nothing else to count

    reference = time_page(client, "/assessments/published/", args.runs)
    pages = {
        "a quarter, all units": "/assessments/dashboard/?from=2025-07-01&to=2025-09-30",
        "the whole year, all units": "/assessments/dashboard/?from=2025-01-01&to=2025-12-31",
        "a quarter, one category": "/assessments/dashboard/?from=2025-07-01&to=2025-09-30&category=licensing",
        "a quarter, the biggest unit": f"/assessments/dashboard/?from=2025-07-01&to=2025-09-30&unit={ids[0]}",
    }
    total = DailyCases.objects.count()
    cases = sum(DailyCases.objects.values_list("started", flat=True))
    print(
        f"database: {connection.vendor}; {cases:,} cases in {total:,} daily and "
        f"{MonthlyCases.objects.count():,} monthly case rows, "
        f"{DailyAlarms.objects.count():,} alarm rows, {len(ids):,} units (built in {built:.0f} s)"
    )
    print(f"reference page (the public results page, nothing published): {reference * 1000:.1f} ms")
    worst = 0.0
    for label, path in pages.items():
        seconds = time_page(client, path, args.runs)
        worst = max(worst, seconds)
        print(
            f"district dashboard, {label}: {seconds * 1000:.0f} ms = {seconds / reference:.1f}x the reference"
        )
    print(f"slowest: {worst * 1000:.0f} ms (target <= 500 ms)")


if __name__ == "__main__":
    main()
