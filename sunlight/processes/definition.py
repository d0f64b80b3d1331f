"""Process definitions as data: parsing a document into a graph, and checking it.

A definition is a JSON (or YAML) document following `schema/process-1.json`. `parse` turns it
into frozen dataclasses; `check` finds every problem a publisher must fix — unknown posts,
unreachable steps, joins without splits, cycles without an exit, limits over the power's
statutory limit — each with a precise message.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import cel
import jsonschema
import yaml
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).with_name("schema") / "process-1.json"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class PostRef:
    org: str  # "owner", "intake" or a unit abbreviation
    kind: str
    office: str = ""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool = False
    pattern: str = ""
    pattern_message: str = ""
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Node:
    id: str
    type: str  # start, task, exclusive, parallel, end
    name: str = ""
    stage: str = ""
    post: PostRef | None = None
    limit: int = 0
    decision: bool = False
    form: tuple[FieldSpec, ...] = ()
    checkpoints: tuple[str, ...] = ()
    outcome: str = ""


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    when: str = ""
    default: bool = False


@dataclass(frozen=True)
class SuspensionKind:
    code: str
    name: str
    max_days: int
    basis: str


@dataclass(frozen=True)
class ExtensionRule:
    max_days: int
    approver: PostRef
    basis: str


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    owner: str
    total_limit: int
    stages: tuple[tuple[str, str], ...]
    nodes: tuple[Node, ...]
    flows: tuple[Flow, ...]
    power: str = ""
    intake: str = "owner"
    suspensions: tuple[SuspensionKind, ...] = ()
    extension: ExtensionRule | None = None
    _by_id: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def node(self, node_id: str) -> Node:
        if not self._by_id:
            self._by_id.update({n.id: n for n in self.nodes})
        return self._by_id[node_id]

    def outgoing(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows if f.source == node_id]

    def incoming(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows if f.target == node_id]

    @property
    def start(self) -> Node:
        return next(n for n in self.nodes if n.type == "start")

    @property
    def tasks(self) -> list[Node]:
        return [n for n in self.nodes if n.type == "task"]

    def stage_name(self, stage_id: str) -> str:
        return dict(self.stages).get(stage_id, "")

    def suspension(self, code: str) -> SuspensionKind | None:
        return next((s for s in self.suspensions if s.code == code), None)


class InvalidDefinition(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_text(text: str) -> dict[str, Any]:
    """A definition document from JSON or YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidDefinition(
            [_("The document is neither valid YAML nor JSON: %(e)s") % {"e": exc}]
        ) from exc
    if not isinstance(data, dict):
        raise InvalidDefinition([_("The document must be a mapping with the keys of the schema.")])
    return data


def _post(data: dict[str, Any]) -> PostRef:
    return PostRef(org=data["org"], kind=data["kind"], office=data.get("office", ""))


def parse(data: dict[str, Any]) -> Definition:
    """Validate the document against the schema, then build the graph. Raises InvalidDefinition."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise InvalidDefinition(
            [
                _("%(where)s: %(message)s")
                % {"where": "/".join(str(p) for p in e.absolute_path) or _("document"), "message": e.message}
                for e in errors
            ]
        )
    nodes = tuple(
        Node(
            id=n["id"],
            type=n["type"],
            name=n.get("name", ""),
            stage=n.get("stage", ""),
            post=_post(n["post"]) if "post" in n else None,
            limit=n.get("limit", 0),
            decision=n.get("decision", False),
            form=tuple(
                FieldSpec(
                    name=f["name"],
                    label=f["label"],
                    type=f["type"],
                    required=f.get("required", False),
                    pattern=f.get("pattern", ""),
                    pattern_message=f.get("pattern_message", ""),
                    min=f.get("min"),
                    max=f.get("max"),
                    max_length=f.get("max_length"),
                    options=tuple((o["value"], o["label"]) for o in f.get("options", [])),
                )
                for f in n.get("form", [])
            ),
            checkpoints=tuple(n.get("checkpoints", [])),
            outcome=n.get("outcome", ""),
        )
        for n in data["nodes"]
    )
    extension = data.get("extension")
    return Definition(
        code=data["code"],
        name=data["name"],
        owner=data["owner"],
        total_limit=data["total_limit"],
        stages=tuple((s["id"], s["name"]) for s in data["stages"]),
        nodes=nodes,
        flows=tuple(
            Flow(source=f["from"], target=f["to"], when=f.get("when", ""), default=f.get("default", False))
            for f in data["flows"]
        ),
        power=data.get("power", ""),
        intake=data.get("intake", "owner"),
        suspensions=tuple(
            SuspensionKind(s["code"], s["name"], s["max_days"], s["basis"])
            for s in data.get("suspensions", [])
        ),
        extension=ExtensionRule(extension["max_days"], _post(extension["approver"]), extension["basis"])
        if extension
        else None,
    )


def _reach(start: Iterable[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in step(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@lru_cache(maxsize=512)
def compile_condition(expression: str) -> Any:
    return cel.compile(expression)


def check_structure(d: Definition) -> list[str]:
    """Graph problems, each named precisely. An empty list means the graph is sound."""
    problems: list[str] = []
    ids = [n.id for n in d.nodes]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(_("Node %(id)s is defined twice.") % {"id": duplicate})
    stage_ids = {s for s, _name in d.stages}
    known = set(ids)
    for flow in d.flows:
        for end in (flow.source, flow.target):
            if end not in known:
                problems.append(_("A flow refers to the unknown node %(id)s.") % {"id": end})
    if problems:
        return problems
    starts = [n for n in d.nodes if n.type == "start"]
    ends = [n for n in d.nodes if n.type == "end"]
    if len(starts) != 1:
        problems.append(_("A process has exactly one start; this one has %(n)d.") % {"n": len(starts)})
    if not ends:
        problems.append(_("A process needs at least one end."))
    for node in d.nodes:
        ins, outs = d.incoming(node.id), d.outgoing(node.id)
        name = node.name or node.id
        if node.type == "start" and (ins or len(outs) != 1):
            problems.append(_("The start has no incoming flow and exactly one outgoing flow."))
        elif node.type == "end" and outs:
            problems.append(_("The end %(n)s cannot have outgoing flows.") % {"n": name})
        elif node.type == "task":
            if node.post is None:
                problems.append(_("Step %(n)s has no post.") % {"n": name})
            if node.stage not in stage_ids:
                problems.append(
                    _("Step %(n)s is in the unknown stage %(s)s.") % {"n": name, "s": node.stage or "-"}
                )
            if len(outs) != 1:
                problems.append(
                    _(
                        "Step %(n)s has %(k)d outgoing flows; a step has exactly one (use a gateway to branch)."
                    )
                    % {"n": name, "k": len(outs)}
                )
            if not ins:
                problems.append(_("Step %(n)s has no incoming flow.") % {"n": name})
        elif node.type == "exclusive":
            if len(outs) < 2:
                problems.append(_("The decision %(n)s needs at least two outgoing flows.") % {"n": name})
            if sum(1 for f in outs if f.default) > 1:
                problems.append(_("The decision %(n)s has more than one default flow.") % {"n": name})
            for flow in outs:
                if not flow.when and not flow.default:
                    problems.append(
                        _("The flow from %(n)s to %(t)s needs a condition or must be the default.")
                        % {"n": name, "t": flow.target}
                    )
        elif node.type == "parallel" and not (
            (len(ins) == 1 and len(outs) >= 2) or (len(ins) >= 2 and len(outs) == 1)
        ):
            problems.append(
                _(
                    "The parallel gateway %(n)s must either split (one in, several out) or join (several in, one out)."
                )
                % {"n": name}
            )
        for flow in outs:
            if flow.when:
                try:
                    compile_condition(flow.when)
                except ValueError as exc:
                    problems.append(
                        _("The condition on the flow from %(n)s to %(t)s is not valid CEL: %(e)s")
                        % {"n": name, "t": flow.target, "e": exc}
                    )
    if problems:
        return problems
    start = starts[0].id
    reachable = _reach([start], lambda n: [f.target for f in d.outgoing(n)])
    for node in d.nodes:
        if node.id not in reachable:
            problems.append(_("%(n)s cannot be reached from the start.") % {"n": node.name or node.id})
    exits = _reach([n.id for n in ends], lambda n: [f.source for f in d.incoming(n)])
    for node in d.nodes:
        if node.id in reachable and node.id not in exits:
            problems.append(
                _("%(n)s is in a cycle without an exit: no end can be reached from it.")
                % {"n": node.name or node.id}
            )
    problems.extend(_check_joins(d))
    return problems


def _check_joins(d: Definition) -> list[str]:
    """Every parallel join must close branches opened by a parallel split upstream."""
    problems = []
    for join in (n for n in d.nodes if n.type == "parallel" and len(d.incoming(n.id)) >= 2):
        upstream = _reach(
            [f.source for f in d.incoming(join.id)], lambda n: [f.source for f in d.incoming(n)]
        )
        splits = [
            n for n in d.nodes if n.id in upstream and n.type == "parallel" and len(d.outgoing(n.id)) >= 2
        ]
        if not splits:
            problems.append(
                _("The join %(n)s has no parallel split before it: its branches never run at once.")
                % {"n": join.name or join.id}
            )
    return problems


def longest_path_days(d: Definition) -> int:
    """Working days of the slowest route from start to an end (parallel branches overlap)."""
    order = _topological(d)
    best: dict[str, int] = {}
    for node_id in order:
        node = d.node(node_id)
        before = max((best.get(f.source, 0) for f in d.incoming(node_id)), default=0)
        best[node_id] = before + (node.limit if node.type == "task" else 0)
    return max((best[n.id] for n in d.nodes if n.type == "end" and n.id in best), default=0)


def _topological(d: Definition) -> list[str]:
    """Nodes in an order where each comes after its predecessors, ignoring flows that close loops."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for flow in d.outgoing(node_id):
            if state.get(flow.target, 0) == 0:
                visit(flow.target)
        state[node_id] = 2
        order.append(node_id)

    visit(d.start.id)
    for node in d.nodes:
        if state.get(node.id, 0) == 0:
            visit(node.id)
    return list(reversed(order))


def check_limits(d: Definition, statutory_limit: int | None) -> list[str]:
    problems = []
    if statutory_limit is not None and d.total_limit > statutory_limit:
        problems.append(
            _("The total limit of %(t)d working days is over the power's statutory limit of %(s)d.")
            % {"t": d.total_limit, "s": statutory_limit}
        )
    slowest = longest_path_days(d)
    if slowest > d.total_limit:
        problems.append(
            _("The slowest route takes %(p)d working days, more than the total limit of %(t)d.")
            % {"p": slowest, "t": d.total_limit}
        )
    for node in d.tasks:
        if node.limit > d.total_limit:
            problems.append(
                _("Step %(n)s alone is longer than the total limit.") % {"n": node.name or node.id}
            )
    return problems
