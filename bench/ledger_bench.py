"""Ledger benchmark: appends inside real actions, and full verification, against raw SM3.

Run: `make bench` (all benchmarks) or `.venv/bin/python bench/ledger_bench.py [--leaves N]`.
Uses a throwaway SQLite database (or DATABASE_URL); prints each figure as a ratio to a
reference measured in the same run, so a noisy machine does not mislead.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")


def setup_database() -> None:
    import django

    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="sunlight-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ["VAR_DIR"] = directory
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=3000)
    parser.add_argument("--leaves", type=int, default=100_000, help="ledger size for the verification run")
    args = parser.parse_args()
    setup_database()

    from django.db import connection, transaction

    from sunlight.ledger import actions as ledger_actions
    from sunlight.ledger import checkpoints
    from sunlight.ledger.models import Leaf
    from sunlight.ledger.verification import verify_ledger
    from sunlight.orgs import actions
    from sunlight.test import make_unit, system

    unit = make_unit("区财政局")

    def run_actions(count: int) -> None:
        for n in range(count):
            actions.update_organisation(
                system(), unit, name=unit.name, abbr=unit.abbr, sort=n + 1, is_active=True
            )

    run_actions(200)  # warm up
    with_ledger, _ = timed(run_actions, args.actions)
    with mock.patch.object(actions, "append", lambda *a, **k: None):
        without_ledger, _ = timed(run_actions, args.actions)
    overhead = with_ledger / without_ledger - 1

    # Grow the ledger to the verification size with cheap appends (same leaf shape).
    missing = args.leaves - Leaf.objects.count()
    batch = 1000
    for start in range(0, missing, batch):
        with transaction.atomic():
            for n in range(min(batch, missing - start)):
                ledger_actions.append(
                    system(), "bench.note", ("bench.thing", n % 100), changes={"n": (None, n)}
                )
        if start % 20_000 == 0:
            checkpoints.make_checkpoint(force=True)
    checkpoints.make_checkpoint(force=True)

    datas = [d.encode() for d in Leaf.objects.order_by("seq").values_list("data", flat=True)]
    total_bytes = sum(len(d) for d in datas)

    def raw_sm3() -> None:
        for d in datas:
            hashlib.new("sm3", b"\x00" + d).digest()

    raw_seconds, _ = timed(raw_sm3)
    verify_seconds, report = timed(verify_ledger)
    assert report.ok, report.summary()
    raw_rate = len(datas) / raw_seconds
    verify_rate = len(datas) / verify_seconds
    append_rate = args.actions / with_ledger

    print(
        f"database: {connection.vendor}; leaves: {len(datas)} ({total_bytes / len(datas):.0f} bytes average)"
    )
    print(f"raw SM3 over the same leaf bytes: {raw_rate:,.0f} leaves/s")
    print(
        f"actions with their ledger leaf: {append_rate:,.0f} actions/s = {append_rate / raw_rate:.4f}x raw SM3"
    )
    print(f"ledger share of an action's time: {overhead * 100:.1f}% (target <= 10%)")
    print(
        f"full verification: {verify_rate:,.0f} leaves/s = {verify_rate / raw_rate:.2f}x raw SM3 (target >= 0.5x)"
    )


if __name__ == "__main__":
    main()
