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

    from sunlight.cases import actions as case_actions
    from sunlight.cases.models import Step, StepState
    from sunlight.ledger import actions as ledger_actions
    from sunlight.ledger import checkpoints
    from sunlight.ledger.actor import Actor
    from sunlight.ledger.models import Leaf
    from sunlight.ledger.verification import verify_ledger
    from sunlight.orgs import actions
    from sunlight.orgs.demo import load_district
    from sunlight.orgs.models import Assignment, Organisation
    from sunlight.processes import actions as process_actions
    from sunlight.processes.definition import load_text
    from sunlight.test import system

    load_district()
    unit = Organisation.objects.get(abbr="CZJ")

    def run_actions(count: int) -> None:
        for n in range(count):
            actions.update_organisation(
                system(), unit, name=unit.name, abbr=unit.abbr, sort=n + 1, is_active=True
            )

    run_actions(200)  # warm up
    with_ledger, _ = timed(run_actions, args.actions)
    with mock.patch.object(actions, "append", lambda *a, **k: None):
        without_ledger, _ = timed(run_actions, args.actions)
    minimal_overhead = with_ledger / without_ledger - 1

    # The share on a real case action: the parallel construction approval, every step done by
    # the post holding it, with and without its ledger leaves.
    definition_path = (
        Path(__file__).resolve().parents[1] / "sunlight/processes/definitions/construction-parallel.yaml"
    )
    document = load_text(definition_path.read_text(encoding="utf-8"))
    definition = process_actions.publish(system(), process_actions.save_draft(system(), document))
    clerk = Assignment.objects.filter(post__code="ZWZX-CK03").select_related("person").first()
    assert clerk is not None
    holders = {a.post_id: a.person for a in Assignment.objects.select_related("person")}
    applicant = case_actions.ApplicantData(
        kind="company", name="湖南某建设有限公司", id_number="91430112MA4L000001"
    )

    def run_cases(count: int) -> int:
        done = 0
        for _ in range(count):
            case, _code = case_actions.start_case(
                Actor.of(clerk.person),
                definition=definition,
                subject="厂房",
                applicant=applicant,
                acknowledged_risks=[],
                acknowledged=True,
            )
            done += 1
            while (
                step := Step.objects.filter(case=case, state=StepState.ACTIVE).order_by("pk").first()
            ) is not None:
                post_id = step.posts.values_list("pk", flat=True).first()
                values = (
                    {"project_name": "厂房", "investment": 100, "site_area": 1}
                    if step.node_id == "accept"
                    else {}
                )
                case_actions.complete_step(
                    Actor.of(holders[post_id]),
                    step,
                    values=values,
                    decision="approve" if step.node_id == "permit" else "",
                )
                done += 1
        return done

    run_cases(3)  # warm up
    # Cases with and without the ledger alternate one by one, so that a machine busy for a while
    # slows both alike; the share is from the totals (every case counts), and the shares of the
    # four quarters of the run are printed to show the spread.
    totals = [0.0, 0.0, 0, 0]  # seconds with, seconds without, steps with, steps without
    quarter_shares = []
    for _quarter in range(4):
        part = [0.0, 0.0, 0, 0]
        for _ in range(40):
            seconds, count = timed(run_cases, 1)
            part[0] += seconds
            part[2] += count
            with mock.patch.object(case_actions, "append", lambda *a, **k: None):
                seconds, count = timed(run_cases, 1)
            part[1] += seconds
            part[3] += count
        quarter_shares.append((part[0] / part[2]) / (part[1] / part[3]) - 1)
        totals = [total + value for total, value in zip(totals, part, strict=True)]
    overhead = (totals[0] / totals[2]) / (totals[1] / totals[3]) - 1

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

    # Faster plain loops over the same bytes, printed beside the reference above: the verification
    # hashes with gmssl-pyx's one-shot SM3 where installed, which costs less per call than hashlib.
    try:
        from gmssl_pyx import sm3_hash as gmssl_sm3
    except ImportError:
        gmssl_sm3 = None
    prefixed = [b"\x00" + d for d in datas]
    template = hashlib.new("sm3")
    template.update(b"\x00")

    def raw_sm3_copied() -> None:
        for d in datas:
            h = template.copy()
            h.update(d)
            h.digest()

    def raw_sm3_gmssl() -> None:
        list(map(gmssl_sm3, prefixed))

    raw_seconds, _ = timed(raw_sm3)
    copied_seconds, _ = timed(raw_sm3_copied)
    gmssl_seconds, _ = timed(raw_sm3_gmssl) if gmssl_sm3 is not None else (None, None)
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
    print(
        f"ledger share of a case step's time: {overhead * 100:.1f}% (160 cases with and 160 without, "
        f"alternating; by quarter of the run: {', '.join(f'{q * 100:.1f}%' for q in quarter_shares)}; "
        "target <= 10%)"
    )
    print(f"ledger share of the smallest action (renaming a unit): {minimal_overhead * 100:.1f}%")
    print(
        f"full verification: {verify_rate:,.0f} leaves/s = {verify_rate / raw_rate:.2f}x raw SM3 (target >= 0.5x)"
    )
    copied_rate = len(datas) / copied_seconds
    faster = f"{verify_rate / copied_rate:.2f}x hashlib copying a hash object fed 0x00 ({copied_rate:,.0f} leaves/s)"
    if gmssl_seconds is not None:
        gmssl_rate = len(datas) / gmssl_seconds
        faster += (
            f", {verify_rate / gmssl_rate:.2f}x gmssl-pyx sm3_hash over a list ({gmssl_rate:,.0f} leaves/s)"
        )
    print(f"full verification against faster raw SM3 loops: {faster}")


if __name__ == "__main__":
    main()
