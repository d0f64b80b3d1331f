"""Case lifecycle benchmark: Sunlight's actions vs plain sqlite3 vs SpiffWorkflow 3.2.

Run: `make bench`, or `.venv/bin/python bench/engine_bench.py [--cases N]` (needs SpiffWorkflow,
installed by `make bench` from requirements-bench.txt).

The lifecycle is the seed's parallel construction approval (4 stages, 3 parallel groups, 12
steps) started with the pre-warning acknowledged, each step completed by a person holding its
post, every action with its ledger leaf, and two steps passing electronic checkpoints when the
checkpoints app is installed. The same work is done three ways in one run, in alternating rounds
(so a busy machine slows all three alike; the ratios are over all rounds together):

- Sunlight: the real actions on a throwaway SQLite database (WAL), one transaction per action;
  the time inside the actions is measured, and the whole loop (with the harness's ORM lookup of
  each next step, as a page would load it) is printed beside it.
- plain sqlite3: the same rows written (the case, its steps, one ledger-sized row per action)
  with hand-written SQL and no logic: the floor any implementation pays for its writes.
- SpiffWorkflow 3.2: the same BPMN (exported by Sunlight), each user task completed and the
  workflow's serialized state saved to SQLite after every task, as Spiff applications persist.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from profiling import print_profile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")
DEFINITION = ROOT / "sunlight/processes/definitions/construction-parallel.yaml"


def setup_django(directory: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["VAR_DIR"] = directory
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class SunlightRun:
    """The lifecycle through Sunlight's actions; `run(n)` returns (seconds in the actions, whole loop)."""

    def __init__(self) -> None:
        from sunlight.cases import actions
        from sunlight.orgs.demo import load_district
        from sunlight.orgs.models import Assignment
        from sunlight.processes import actions as process_actions
        from sunlight.processes.definition import load_text
        from sunlight.test import system

        load_district()
        document = load_text(DEFINITION.read_text(encoding="utf-8"))
        self.checkpoints = _install_checkpoints(document)
        self.definition = process_actions.publish(system(), process_actions.save_draft(system(), document))
        self.holder: dict[str, Any] = {}
        clerk = Assignment.objects.filter(post__code="ZWZX-CK03").select_related("person").first()
        assert clerk is not None
        self.clerk = clerk.person
        self.applicant = actions.ApplicantData(
            kind="company", name="湖南某建设有限公司", id_number="91430112MA4L000001"
        )
        self.in_actions = 0.0
        self.lifecycle()  # warm up caches (definitions, posts)

    def person_for(self, step: Any) -> Any:
        from sunlight.orgs.models import Assignment

        # Who acts is the harness's choice, not the work measured: looked up once per node.
        if step.node_id not in self.holder:
            post_id = step.posts.values_list("pk", flat=True).first()
            self.holder[step.node_id] = (
                Assignment.objects.filter(post_id=post_id).select_related("person").first().person
            )
        return self.holder[step.node_id]

    def lifecycle(self) -> None:
        from sunlight.cases import actions
        from sunlight.cases.models import Step, StepState
        from sunlight.ledger.actor import Actor

        started = time.perf_counter()
        case, _code = actions.start_case(
            Actor.of(self.clerk),
            definition=self.definition,
            subject="标准厂房建设项目",
            applicant=self.applicant,
            acknowledged_risks=[],
            acknowledged=True,
        )
        self.in_actions += time.perf_counter() - started
        while True:
            # The harness's own lookup of the next open step (a page would load it): timed with
            # the loop, not with the actions.
            step = Step.objects.filter(case=case, state=StepState.ACTIVE).order_by("pk").first()
            if step is None:
                return
            values: dict[str, Any] = {}
            if step.node_id == "accept":
                values = {"project_name": "标准厂房", "investment": 120_000_000_00, "site_area": 20000}
            decision = "approve" if step.node_id == "permit" else ""
            person = self.person_for(step)
            started = time.perf_counter()
            actions.complete_step(Actor.of(person), step, values=values, decision=decision)
            self.in_actions += time.perf_counter() - started

    def run(self, cases: int) -> tuple[float, float]:
        from django.db import connection

        self.in_actions = 0.0
        started = time.perf_counter()
        for _ in range(cases):
            self.lifecycle()
        # The product copies the WAL back in a background thread (lib/walcheckpoint.py). What the
        # round left in the log is copied back here, inside the round's time, so that no round
        # leaves its disk work to the next run (Spiff's or plain sqlite3's).
        copying = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.in_actions += time.perf_counter() - copying
        return self.in_actions, time.perf_counter() - started

    def leaves(self) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM ledger_leaf")
            return int(cursor.fetchone()[0])

    def profile(self, cases: int) -> pstats.Stats:
        profile = cProfile.Profile()
        for _ in range(cases):
            profile.runcall(self.lifecycle)
        return pstats.Stats(profile)


def _install_checkpoints(document: dict[str, Any]) -> int:
    """Two electronic checkpoints: on the project approval and on the construction permit."""
    import datetime as dt

    from sunlight.checkpoints import actions as rule_actions
    from sunlight.checkpoints.engine import NodeKind
    from sunlight.checkpoints.models import Severity
    from sunlight.test import system

    rules = (
        ("BENCH-INVESTMENT", NodeKind.STEP_COMPLETION, "case.data.investment > 0", "approval"),
        (
            "BENCH-SITE",
            NodeKind.ADMINISTRATIVE_APPROVAL,
            "decision != 'approve' || case.data.site_area > 0",
            "permit",
        ),
    )
    for code, kind, expression, node_id in rules:
        rule_actions.create_rule(
            system(),
            code=code,
            node_kind=kind,
            name=code,
            expression=expression,
            message=code,
            legal_basis="基准测试",
            severity=Severity.BLOCK,
            effective_from=dt.date(2016, 1, 1),
            effective_until=None,
            params={},
        )
        for node in document["nodes"]:
            if node["id"] == node_id:
                node["checkpoints"] = [code]
    return len(rules)


def plain_run(cases: int, directory: str) -> float:
    """The same rows, written with plain SQL and no logic: one transaction per action."""
    db = sqlite3.connect(f"{directory}/plain.sqlite3", isolation_level=None)
    db.executescript(
        """
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE c (id INTEGER PRIMARY KEY, number TEXT UNIQUE, state TEXT, data TEXT, due TEXT);
        CREATE TABLE s (id INTEGER PRIMARY KEY, case_id INTEGER, node TEXT, state TEXT, due TEXT, form TEXT);
        CREATE INDEX s_active ON s (due) WHERE state = 'active';
        CREATE TABLE l (seq INTEGER PRIMARY KEY, data TEXT, hash BLOB);
        """
    )
    payload = "x" * 700  # about the size of a Sunlight leaf
    tasks = 12
    seq = 0
    started = time.perf_counter()
    for number in range(cases):
        db.execute("BEGIN IMMEDIATE")
        case_id = db.execute(
            "INSERT INTO c (number, state, data, due) VALUES (?, 'running', '{}', '2026-12-01')",
            (f"N{number}",),
        ).lastrowid
        db.execute(
            "INSERT INTO s (case_id, node, state, due) VALUES (?, 'accept', 'active', '2026-11-30')",
            (case_id,),
        )
        db.execute("INSERT INTO l VALUES (?, ?, ?)", (seq, payload, b"h" * 32))
        seq += 1
        db.execute("COMMIT")
        for task in range(tasks):
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE s SET state = 'done', form = '{}' WHERE case_id = ? AND node = ?",
                (case_id, f"t{task}"),
            )
            db.execute("UPDATE c SET data = ? WHERE id = ?", ('{"k": 1}', case_id))
            db.execute(
                "INSERT INTO s (case_id, node, state, due) VALUES (?, ?, 'active', '2026-11-30')",
                (case_id, f"t{task + 1}"),
            )
            db.execute("INSERT INTO l VALUES (?, ?, ?)", (seq, payload, b"h" * 32))
            seq += 1
            db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def spiff_run(cases: int, directory: str) -> float:
    import logging

    logging.getLogger("spiff").setLevel(logging.WARNING)  # its INFO log per task would slow it down
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    from sunlight.processes import bpmn
    from sunlight.processes.definition import load_text

    xml = bpmn.export(load_text(DEFINITION.read_text(encoding="utf-8")))
    # Spiff evaluates timer expressions as Python; the limits are Sunlight's working days anyway,
    # so the timer boundary events are left out of the BPMN it runs. The CEL conditions
    # (decision == 'approve') are valid Python as they are.
    xml = re.sub(r"<bpmn:boundaryEvent .*?</bpmn:boundaryEvent>", "", xml, flags=re.S)
    xml = re.sub(r"<bpmndi:BPMNShape id=\"limit_[^\"]*\".*?</bpmndi:BPMNShape>", "", xml, flags=re.S)
    path = Path(directory) / "process.bpmn"
    path.write_text(xml, encoding="utf-8")
    parser = BpmnParser()
    parser.add_bpmn_file(str(path))
    spec = parser.get_spec(parser.get_process_ids()[0])
    serializer = BpmnWorkflowSerializer()
    db = sqlite3.connect(f"{directory}/spiff.sqlite3", isolation_level=None)
    db.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE w (id INTEGER PRIMARY KEY, state TEXT);"
    )
    started = time.perf_counter()
    for _ in range(cases):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        row = db.execute("INSERT INTO w (state) VALUES (?)", (serializer.serialize_json(workflow),)).lastrowid
        while not workflow.is_completed():
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            task = ready[0]
            task.data.update({"decision": "approve"})
            task.run()
            workflow.do_engine_steps()
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE w SET state = ? WHERE id = ?", (serializer.serialize_json(workflow), row))
            db.execute("COMMIT")
        assert workflow.is_completed(), "the Spiff workflow did not complete"
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="alternating rounds of the three runs (ratios: all rounds together)",
    )
    parser.add_argument(
        "--profile", type=int, default=20, metavar="CASES", help="profile this many more cases (0: none)"
    )
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="sunlight-engine-bench-")
    setup_django(directory)
    sunlight = SunlightRun()
    per_round = max(1, args.cases // args.rounds)
    # The three runs alternate in rounds, so that a busy machine slows all of them alike; each
    # figure below is over all rounds together.
    rounds: list[dict[str, float]] = []
    for number in range(args.rounds):
        in_actions, loop = sunlight.run(per_round)
        plain = plain_run(per_round, tempfile.mkdtemp(dir=directory, prefix=f"plain-{number}-"))
        spiff = spiff_run(per_round, tempfile.mkdtemp(dir=directory, prefix=f"spiff-{number}-"))
        rounds.append({"actions": in_actions, "loop": loop, "plain": plain, "spiff": spiff})

    def ratio(reference: str, measured: str) -> float:
        # All rounds together, not the median round: SQLite copies its WAL back into the database
        # every 10,000 pages, a pause of tens of milliseconds in one round out of two or three,
        # and that cost is Sunlight's as much as any other (the median round would leave it out).
        return sum(r[reference] for r in rounds) / sum(r[measured] for r in rounds)

    cases = per_round * args.rounds
    print(
        f"cases: {cases} in {args.rounds} alternating rounds; 13 actions per case (start + 12 steps); "
        f"checkpoints: {sunlight.checkpoints}; ledger leaves: {sunlight.leaves()}"
    )

    def total(key: str) -> float:
        return sum(r[key] for r in rounds)

    rate = cases / total("actions")
    print(
        f"Sunlight actions:  {rate:8.1f} cases/s ({total('actions') / cases / 13 * 1000:.2f} ms per action)"
    )
    print(
        f"plain sqlite3:     {cases / total('plain'):8.1f} cases/s  -> Sunlight = {ratio('plain', 'actions'):.3f}x plain sqlite3"
    )
    print(
        f"SpiffWorkflow 3.2: {cases / total('spiff'):8.1f} cases/s  -> Sunlight = {ratio('spiff', 'actions'):.2f}x SpiffWorkflow (target >= 4x)"
    )
    print(
        f"  the whole loop, with the harness's ORM lookup of each next step: {cases / total('loop'):.1f} cases/s"
        f" -> {ratio('spiff', 'loop'):.2f}x SpiffWorkflow"
    )
    per_round_ratios = [r["spiff"] / r["actions"] for r in rounds]
    print(
        "  per round, Sunlight vs Spiff: "
        + ", ".join(f"{x:.2f}x" for x in per_round_ratios)
        + f" (median round {statistics.median(per_round_ratios):.2f}x)"
    )
    if args.profile:
        # After the timed rounds, so that the profiler does not slow what is measured.
        stats = sunlight.profile(args.profile)
        print_profile(f"{args.profile} more cases through Sunlight's actions", stats, top=22)
    print(
        json.dumps(
            {
                "sunlight_cases_per_s": rate,
                "vs_plain": ratio("plain", "actions"),
                "vs_spiff": ratio("spiff", "actions"),
            }
        )
    )


if __name__ == "__main__":
    main()
