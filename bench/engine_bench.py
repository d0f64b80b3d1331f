"""Case lifecycle benchmark: Sunlight's actions vs plain sqlite3 vs SpiffWorkflow 3.2.

Run: `make bench`, or `.venv/bin/python bench/engine_bench.py [--cases N]` (needs SpiffWorkflow,
installed by `make bench` from requirements-bench.txt).

The lifecycle is the seed's parallel construction approval (4 stages, 3 parallel groups, 12
steps) started with the pre-warning acknowledged, each step completed by a person holding its
post, every action with its ledger leaf, and two steps passing electronic checkpoints when the
checkpoints app is installed. The same work is done three ways in one run:

- Sunlight: the real actions on a throwaway SQLite database (WAL), one transaction per action.
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


def sunlight_run(cases: int, profiled: int = 0) -> tuple[float, dict[str, Any]]:
    from django.db import connection

    from sunlight.cases import actions
    from sunlight.cases.models import Step, StepState
    from sunlight.ledger.actor import Actor
    from sunlight.orgs.demo import load_district
    from sunlight.orgs.models import Assignment
    from sunlight.processes import actions as process_actions
    from sunlight.processes.definition import load_text
    from sunlight.test import system

    load_district()
    document = load_text(DEFINITION.read_text(encoding="utf-8"))
    checkpoints = _install_checkpoints(document)
    definition = process_actions.publish(system(), process_actions.save_draft(system(), document))
    holder: dict[int, Any] = {}

    def person_for(step: Step) -> Any:
        post_id = step.posts.values_list("pk", flat=True).first()
        if post_id not in holder:
            holder[post_id] = (
                Assignment.objects.filter(post_id=post_id).select_related("person").first().person
            )
        return holder[post_id]

    clerk = Assignment.objects.filter(post__code="ZWZX-CK03").select_related("person").first()
    assert clerk is not None
    applicant = actions.ApplicantData(
        kind="company", name="湖南某建设有限公司", id_number="91430112MA4L000001"
    )

    def lifecycle() -> None:
        case, _code = actions.start_case(
            Actor.of(clerk.person),
            definition=definition,
            subject="标准厂房建设项目",
            applicant=applicant,
            acknowledged_risks=[],
            acknowledged=True,
        )
        while True:
            step = Step.objects.filter(case=case, state=StepState.ACTIVE).order_by("pk").first()
            if step is None:
                return
            values: dict[str, Any] = {}
            if step.node_id == "accept":
                values = {"project_name": "标准厂房", "investment": 120_000_000_00, "site_area": 20000}
            decision = "approve" if step.node_id == "permit" else ""
            actions.complete_step(Actor.of(person_for(step)), step, values=values, decision=decision)

    lifecycle()  # warm up caches (definitions, posts)
    started = time.perf_counter()
    for _ in range(cases):
        lifecycle()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_leaf")
        leaves = cursor.fetchone()[0]
    info: dict[str, Any] = {"checkpoints": checkpoints, "leaves": leaves}
    if profiled:
        # After the timed run, so that the profiler does not slow what is measured.
        profile = cProfile.Profile()
        for _ in range(profiled):
            profile.runcall(lifecycle)
        info["profile"] = pstats.Stats(profile)
    return elapsed, info


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
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--profile", type=int, default=20, metavar="CASES", help="profile this many more cases (0: none)"
    )
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="sunlight-engine-bench-")
    setup_django(directory)
    sunlight_seconds, info = sunlight_run(args.cases, args.profile)
    plain_seconds = statistics.median(plain_run(args.cases, directory) for _ in range(args.repeat))
    spiff_seconds = statistics.median(spiff_run(args.cases, directory) for _ in range(args.repeat))
    rate = args.cases / sunlight_seconds
    print(
        f"cases: {args.cases}; 13 actions per case (start + 12 steps); checkpoints: {info['checkpoints']}; ledger leaves: {info['leaves']}"
    )
    print(
        f"Sunlight actions:  {rate:8.1f} cases/s ({sunlight_seconds / args.cases / 13 * 1000:.2f} ms per action)"
    )
    print(
        f"plain sqlite3:     {args.cases / plain_seconds:8.1f} cases/s  -> Sunlight = {plain_seconds / sunlight_seconds:.3f}x plain sqlite3"
    )
    print(
        f"SpiffWorkflow 3.2: {args.cases / spiff_seconds:8.1f} cases/s  -> Sunlight = {spiff_seconds / sunlight_seconds:.2f}x SpiffWorkflow (target >= 4x)"
    )
    if "profile" in info:
        print_profile(f"{args.profile} more cases through Sunlight's actions", info["profile"], top=22)
    print(
        json.dumps(
            {
                "sunlight_cases_per_s": rate,
                "vs_plain": plain_seconds / sunlight_seconds,
                "vs_spiff": spiff_seconds / sunlight_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
