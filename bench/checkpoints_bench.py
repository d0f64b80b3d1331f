"""Checkpoint benchmark: evaluating an action's 20 CEL rules, against 20 Python lambdas.

Run: `make bench` (all benchmarks) or `.venv/bin/python bench/checkpoints_bench.py [--runs N]`.
Uses a throwaway SQLite database (or DATABASE_URL). The 20 rules are the five built-in
fund-payment rules and fifteen more of the same shape; the reference is the same 20
comparisons written as Python lambdas over the same context, measured in the same run.
Target: a whole evaluation (rule-set check, context conversion, 20 rules) under 1 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")

TARGET_MS = 1.0


def setup_database() -> None:
    import django

    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="sunlight-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ["VAR_DIR"] = directory
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def per_call_ms(fn: Callable[[], Any], runs: int) -> float:
    """Median of `runs` timings of `fn`, in milliseconds (after a warm-up)."""
    for _ in range(50):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    setup_database()

    import cel
    from django.db import connection

    from sunlight.checkpoints import actions, engine
    from sunlight.checkpoints.contexts import midnight, sample_for, to_cel
    from sunlight.checkpoints.kinds import NodeKind
    from sunlight.ledger.actor import Actor
    from sunlight.ledger.models import Channel

    system = Actor.system(Channel.COMMAND)
    # Fifteen more rules of the built-in shape: shares compared in integers, dates, counts.
    extra = [
        (
            f"BENCH-{n:02d}",
            f"(paid_fen + pending_fen + payment.amount_fen) * 10000 <= contract.price_fen * {9000 + n * 50}",
        )
        for n in range(10)
    ] + [
        ("BENCH-10", "payment.on >= milestone.earliest_on && contract.active"),
        ("BENCH-11", "duplicates == 0 && payment.invoice_number != ''"),
        ("BENCH-12", "progress_bp <= 10000 && milestone.max_share_bp <= 10000"),
        ("BENCH-13", "payment.amount_fen > 0 && payment.amount_fen <= contract.price_fen"),
        ("BENCH-14", "days_between(milestone.earliest_on, today) >= 0"),
    ]
    for code, expression in extra:
        actions.create_rule(
            system,
            code=code,
            node_kind=NodeKind.FUND_PAYMENT,
            name=code,
            expression=expression,
            message="bench",
            legal_basis="bench",
            severity="block",
            effective_from=dt.date(2016, 1, 1),
            effective_until=None,
            params={},
        )
    context = dict(sample_for(NodeKind.FUND_PAYMENT))
    day = dt.date(2026, 6, 15)

    evaluation = engine.evaluate(NodeKind.FUND_PAYMENT, context, on=day)
    assert len(evaluation.outcomes) == 20, len(evaluation.outcomes)
    assert not evaluation.blocked, [o for o in evaluation.outcomes if not o.passed]

    full_ms = per_call_ms(lambda: engine.evaluate(NodeKind.FUND_PAYMENT, context, on=day), args.runs)

    # The rules alone: programs compiled, context converted once (what the cache makes of it).
    rules = [r for r in engine.loaded_rules().values() if r.node_kind == NodeKind.FUND_PAYMENT]
    versions = [(r.version_on(day), r) for r in rules]
    programs = [(engine.program_for(v), r.params_for(v, None)) for v, r in versions if v is not None]
    values = to_cel(context)
    values["today"] = midnight(day)
    cel_context = cel.Context(variables=values, functions=engine.helper_functions())

    def rules_only() -> None:
        cel_context.add_variable("params", {})
        for program, _params in programs:
            program.execute(cel_context)

    rules_ms = per_call_ms(rules_only, args.runs)

    # The reference: the same 20 checks as Python lambdas over the plain context.
    c = context
    lambdas: list[Callable[[], bool]] = [
        lambda: c["contract"]["active"] and c["contract"]["integrity_signed"],
        lambda: (
            (c["paid_fen"] + c["pending_fen"] + c["payment"]["amount_fen"]) * 10000
            <= (c["contract"]["price_fen"] + c["contract"]["changes_fen"]) * c["progress_bp"]
        ),
        lambda: c["payment"]["on"] >= c["milestone"]["earliest_on"],
        lambda: (
            (c["paid_fen"] + c["pending_fen"] + c["payment"]["amount_fen"]) * 10000
            <= (c["contract"]["price_fen"] + c["contract"]["changes_fen"]) * c["milestone"]["max_share_bp"]
        ),
        lambda: c["duplicates"] == 0,
        *[
            (
                lambda share=9000 + n * 50: (
                    (c["paid_fen"] + c["pending_fen"] + c["payment"]["amount_fen"]) * 10000
                    <= c["contract"]["price_fen"] * share
                )
            )
            for n in range(10)
        ],
        lambda: c["payment"]["on"] >= c["milestone"]["earliest_on"] and c["contract"]["active"],
        lambda: c["duplicates"] == 0 and c["payment"]["invoice_number"] != "",
        lambda: c["progress_bp"] <= 10000 and c["milestone"]["max_share_bp"] <= 10000,
        lambda: 0 < c["payment"]["amount_fen"] <= c["contract"]["price_fen"],
        lambda: (day - c["milestone"]["earliest_on"]).days >= 0,
    ]
    assert len(lambdas) == 20 and all(f() for f in lambdas)

    def python_reference() -> None:
        for check in lambdas:
            check()

    python_ms = per_call_ms(python_reference, args.runs)

    print(f"database: {connection.vendor}; rules per action: 20; runs: {args.runs} (median)")
    print(f"reference, 20 Python lambdas: {python_ms * 1000:.1f} µs")
    print(
        f"20 compiled CEL rules on a converted context: {rules_ms * 1000:.1f} µs = {rules_ms / python_ms:.1f}x Python"
    )
    print(
        f"full evaluate() (rule-set token read, context conversion, 20 rules, outcomes): "
        f"{full_ms * 1000:.1f} µs = {full_ms / python_ms:.1f}x Python "
        f"({'within' if full_ms < TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target)"
    )
    if full_ms >= TARGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
