"""Walking a case along its process graph: which steps open when one closes.

State is plain rows: an active Step per open task, and on the case row the branches waiting at
each parallel join (`Case.joins`). Called inside the action's transaction, with the case row
locked; the engine writes the steps it opens or cancels, and returns what changed on the case
for the action to write with its own change of the case (one UPDATE a step).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunlight.cases import clock
from sunlight.cases.models import Case, CaseState, Step, StepState
from sunlight.lib import rows
from sunlight.processes.definition import Definition, Node, compile_condition
from sunlight.processes.posts import candidate_post_ids, resolve_unit

OUTCOME_STATE = {
    "approved": CaseState.APPROVED,
    "refused": CaseState.REFUSED,
    "withdrawn": CaseState.WITHDRAWN,
}


@dataclass
class Advance:
    """What one move along the graph did, for the action's ledger leaf."""

    now: dt.datetime
    today: dt.date
    opened: list[Step] = field(default_factory=list)
    concluded: str = ""
    cancelled: list[Step] = field(default_factory=list)
    # Fields of the case changed on the object and still to be written: joins, state, conclusion.
    case_changes: dict[str, Any] = field(default_factory=dict)
    # Steps built but not yet written, with their posts: written together, two INSERTs in all.
    unsaved: list[tuple[Step, list[int]]] = field(default_factory=list)

    def as_detail(self) -> dict[str, Any]:
        return {
            "opened": [f"{s.node_id}#{s.iteration}" for s in self.opened],
            "concluded": self.concluded,
            "cancelled": [f"{s.node_id}#{s.iteration}" for s in self.cancelled],
        }


class DefinitionFault(ValidationError):
    """The running definition cannot go on (no condition holds, no post can take a step)."""


def begin(case: Case, graph: Definition, now: dt.datetime, today: dt.date) -> Advance:
    """Open a new case's first steps, at `now` (on the local date `today`)."""
    advance = Advance(now, today)
    for flow in graph.outgoing(graph.start.id):
        _enter(case, graph, flow.target, graph.start.id, {"data": case.data}, advance)
    _save_opened(advance)
    return advance


def after(
    case: Case, graph: Definition, step: Step, context: dict[str, Any], now: dt.datetime, today: dt.date
) -> Advance:
    """Move on from a completed step, at `now` (on the local date `today`)."""
    advance = Advance(now, today)
    for flow in graph.outgoing(step.node_id):
        _enter(case, graph, flow.target, step.node_id, context, advance)
    _save_opened(advance)
    return advance


def _enter(
    case: Case, graph: Definition, node_id: str, source_id: str, context: dict[str, Any], advance: Advance
) -> None:
    if advance.concluded:
        return
    node = graph.node(node_id)
    if node.type == "task":
        step, post_ids = open_step(case, graph, node, advance)
        advance.opened.append(step)
        advance.unsaved.append((step, post_ids))
    elif node.type == "exclusive":
        target = _choose(graph, node, context)
        _enter(case, graph, target, node.id, context, advance)
    elif node.type == "parallel":
        incoming = graph.incoming(node.id)
        expected = {f.source for f in incoming}
        if len(incoming) >= 2 and not _all_arrived(case, node.id, source_id, expected, advance):
            return  # wait for the other branches
        for flow in graph.outgoing(node.id):
            _enter(case, graph, flow.target, node.id, context, advance)
    elif node.type == "end":
        _reach_end(case, node, advance)


def _all_arrived(case: Case, gateway_id: str, source_id: str, expected: set[str], advance: Advance) -> bool:
    """Record a branch at a join; whether every expected branch is there (the join's arrivals
    are then cleared, so that it works again if a loop brings the case back)."""
    waiting = set(case.joins.get(gateway_id, ())) | {source_id}
    complete = expected <= waiting
    joins = {gateway: sources for gateway, sources in case.joins.items() if gateway != gateway_id}
    if not complete:
        joins[gateway_id] = sorted(waiting)
    case.joins = advance.case_changes["joins"] = joins
    return complete


def _choose(graph: Definition, node: Node, context: dict[str, Any]) -> str:
    default = None
    for flow in graph.outgoing(node.id):
        if flow.default:
            default = flow.target
            continue
        try:
            if compile_condition(flow.when).execute(context) is True:
                return flow.target
        except (ValueError, RuntimeError, TypeError, KeyError):
            # A condition on a field this case does not have is simply false.
            continue
    if default is None:
        raise DefinitionFault(
            _("No route out of %(n)s fits this case; the process definition needs a default route.")
            % {"n": node.name or node.id}
        )
    return default


def open_step(case: Case, graph: Definition, node: Node, advance: Advance) -> tuple[Step, list[int]]:
    """The step a task node opens, not yet saved, and the posts that may take it."""
    assert node.post is not None
    unit = resolve_unit(node.post, case.owner, case.intake)
    post_ids = candidate_post_ids(node.post, unit.pk) if unit is not None else []
    if unit is None or not post_ids:
        raise DefinitionFault(
            _("No post can take the step %(n)s in %(u)s.")
            % {"n": node.name, "u": unit.name if unit else node.post.org}
        )
    due = clock.due_from(case, advance.today, node.limit)
    iterations = _iterations(case)
    iteration = iterations.get(node.id, 0) + 1
    iterations[node.id] = iteration
    step = rows.build(
        Step,
        case_id=case.pk,
        node_id=node.id,
        iteration=iteration,
        name=node.name,
        stage_name=graph.stage_name(node.stage),
        unit_id=unit.pk,
        limit=node.limit,
        activated_at=advance.now,
        due_date=due.date,
        due_provisional=due.provisional,
    )
    rows.attach(step, "case", case)
    return step, post_ids


def _save_opened(advance: Advance) -> None:
    if not advance.unsaved:
        return
    # Two INSERTs in all, built once per shape (the ORM's bulk_create cost a millisecond here).
    rows.insert([step for step, _posts in advance.unsaved])
    rows.insert_values(
        Step.posts.through._meta.db_table,
        ("step_id", "post_id"),
        [(step.pk, post) for step, post_ids in advance.unsaved for post in post_ids],
    )
    advance.unsaved.clear()


def _iterations(case: Case) -> dict[str, int]:
    """How many times each node already ran in this case; read once per action, then kept up."""
    cached: dict[str, int] | None = getattr(case, "_iterations", None)
    if cached is None:
        found = rows.fetchall("SELECT node_id FROM cases_step WHERE case_id = %s", [case.pk])
        cached = remember_iterations(case, [node_id for (node_id,) in found])
    return cached


def remember_iterations(case: Case, node_ids: list[str]) -> dict[str, int]:
    """Keep how many steps each node of the case has had, from their node ids (read by the caller)."""
    counted: dict[str, int] = {}
    for node_id in node_ids:
        counted[node_id] = counted.get(node_id, 0) + 1
    case._iterations = counted  # type: ignore[attr-defined]
    return counted


def _reach_end(case: Case, node: Node, advance: Advance) -> None:
    outcome = node.outcome or "approved"
    _save_opened(advance)
    any_active = (
        rows.fetchone(
            "SELECT 1 FROM cases_step WHERE case_id = %s AND state = %s", [case.pk, StepState.ACTIVE]
        )
        is not None
    )
    if any_active and outcome == "approved":
        return  # other branches are still running; the last one to arrive concludes
    for step in case.steps.filter(state=StepState.ACTIVE) if any_active else ():
        # A refusal or withdrawal ends the whole case: open steps elsewhere are cancelled.
        Step.objects.filter(pk=step.pk).update(state=StepState.CANCELLED, completed_at=advance.now)
        advance.cancelled.append(step)
    case.state, case.completed_at = OUTCOME_STATE[outcome], advance.now
    advance.case_changes.update(state=case.state, completed_at=case.completed_at)
    advance.concluded = outcome
