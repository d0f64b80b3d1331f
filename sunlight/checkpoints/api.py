"""API for checkpoint rules (read, dry run) and discretion benchmarks (propose, decide)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictBool, StrictInt

from sunlight.api import Error, FieldErrors, require_role
from sunlight.checkpoints import actions, authoring, discretion
from sunlight.checkpoints.contexts import sample_with
from sunlight.checkpoints.kinds import NodeKind, Severity
from sunlight.checkpoints.models import Benchmark, BenchmarkVersion, DecisionState, Grade, Rule, RuleVersion
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Role

router = Router(tags=["checkpoints"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION, Role.ADMINISTRATION)


class VersionOut(Schema):
    version: int
    name: str
    expression: str
    message: str
    legal_basis: str
    severity: Severity
    effective_from: dt.date
    effective_until: dt.date | None
    params: dict[str, int]

    @staticmethod
    def of(v: RuleVersion) -> VersionOut:
        return VersionOut(
            version=v.version,
            name=v.name,
            expression=v.expression,
            message=v.message,
            legal_basis=v.legal_basis,
            severity=Severity(v.severity),
            effective_from=v.effective_from,
            effective_until=v.effective_until,
            params=v.params,
        )


class RuleOut(Schema):
    code: str
    node_kind: NodeKind
    unit: str | None
    versions: list[VersionOut]
    unit_params: dict[str, dict[str, int]]


def _rule_out(rule: Rule) -> RuleOut:
    overrides: dict[str, dict[str, int]] = {}
    for o in rule.overrides.select_related("unit"):
        overrides.setdefault(o.unit.code, {})[o.name] = o.value
    return RuleOut(
        code=rule.code,
        node_kind=NodeKind(rule.node_kind),
        unit=rule.unit.code if rule.unit else None,
        versions=[VersionOut.of(v) for v in rule.versions.order_by("-version")],
        unit_params=overrides,
    )


@router.get(
    "/checkpoints/rules",
    response={200: list[RuleOut], **ERRORS},
    summary="Checkpoint rules with every version (admins, inspectors)",
)
def list_rules(request: HttpRequest) -> list[RuleOut]:
    require_role(request, Role.ADMINISTRATION, Role.SUPERVISION)
    return [_rule_out(r) for r in Rule.objects.select_related("unit")]


@router.get("/checkpoints/rules/{code}", response={200: RuleOut, **ERRORS}, summary="One checkpoint rule")
def get_rule(request: HttpRequest, code: str) -> RuleOut:
    require_role(request, Role.ADMINISTRATION, Role.SUPERVISION)
    return _rule_out(get_object_or_404(Rule.objects.select_related("unit"), code=code))


class DryRunIn(Schema):
    expression: str
    sample: dict[str, Any] | None = None  # dates as YYYY-MM-DD; no decimal numbers


class DryRunOut(Schema):
    result: bool | None
    problems: list[str]


@router.post(
    "/checkpoints/rules/{code}/dry-run",
    response={200: DryRunOut, **ERRORS},
    summary="Check and run an expression on the rule's sample context (admins); nothing is saved",
)
def dry_run(request: HttpRequest, code: str, body: DryRunIn) -> DryRunOut:
    require_role(request, Role.ADMINISTRATION)
    rule = get_object_or_404(Rule, code=code)
    latest = rule.versions.order_by("-version").first()
    params = latest.params if latest else {}
    found = authoring.problems(body.expression, rule.node_kind, params)
    if found:
        return DryRunOut(result=None, problems=found)
    try:
        sample = (
            authoring.parse_sample(json.dumps(body.sample), rule.node_kind)
            if body.sample is not None
            else sample_with(rule.node_kind, params)
        )
    except ValueError as exc:
        return DryRunOut(result=None, problems=[str(exc)])
    run = authoring.dry_run(body.expression, sample)
    return DryRunOut(result=run.result, problems=[run.error] if run.error else [])


class RowOut(Schema):
    order: int
    grade: Grade
    condition: str
    legal_basis: str
    penalty_min_fen: int
    penalty_max_fen: int
    measures: str


class BenchmarkOut(Schema):
    code: str
    unit: str
    version: int | None
    violation: str
    inputs: list[dict[str, str]]
    rows: list[RowOut]


@router.get(
    "/checkpoints/benchmarks",
    response={200: list[BenchmarkOut], **ERRORS},
    summary="Discretion benchmarks, each with the version in force today",
)
def list_benchmarks(request: HttpRequest) -> list[BenchmarkOut]:
    require_role(request, *READERS)
    out = []
    for benchmark in Benchmark.objects.select_related("unit"):
        version = discretion.version_in_force(benchmark, timezone.localdate())
        out.append(
            BenchmarkOut(
                code=benchmark.code,
                unit=benchmark.unit.code,
                version=version.version if version else None,
                violation=version.violation if version else "",
                inputs=version.inputs if version else [],
                rows=[
                    RowOut(
                        order=r.order,
                        grade=Grade(r.grade),
                        condition=r.condition,
                        legal_basis=r.legal_basis,
                        penalty_min_fen=r.penalty_min_fen,
                        penalty_max_fen=r.penalty_max_fen,
                        measures=r.measures,
                    )
                    for r in (version.rows.order_by("order") if version else [])
                ],
            )
        )
    return out


class FactsIn(Schema):
    # Whole numbers and booleans; money facts in integer fen.
    facts: dict[str, StrictInt | StrictBool]


class ProposalOut(Schema):
    benchmark: str
    version: int
    grade: Grade
    legal_basis: str
    penalty_min_fen: int
    penalty_max_fen: int
    measures: str


def _version(benchmark: Benchmark) -> BenchmarkVersion:
    version = discretion.version_in_force(benchmark)
    if version is None:
        raise ValidationError(_("%(code)s has no version in force today.") % {"code": benchmark.code})
    return version


@router.post(
    "/checkpoints/benchmarks/{code}/propose",
    response={200: ProposalOut, **ERRORS},
    summary="Enter the facts: get the legal basis, the grade and the penalty range",
)
def propose(request: HttpRequest, code: str, body: FactsIn) -> ProposalOut:
    require_role(request, *READERS)
    version = _version(get_object_or_404(Benchmark, code=code))
    proposal = discretion.propose(version, discretion.parse_facts(version, body.facts))
    return ProposalOut(
        benchmark=code,
        version=version.version,
        grade=Grade(proposal.grade),
        legal_basis=proposal.legal_basis,
        penalty_min_fen=proposal.row.penalty_min_fen,
        penalty_max_fen=proposal.row.penalty_max_fen,
        measures=proposal.row.measures,
    )


class DecisionIn(FactsIn):
    case_reference: str
    amount_fen: StrictInt
    justification: str = ""


class DecisionOut(Schema):
    id: int
    state: DecisionState
    grade: Grade
    amount_fen: int


@router.post(
    "/checkpoints/benchmarks/{code}/decisions",
    response={201: DecisionOut, **ERRORS},
    summary="Record a penalty decision (outside the range only with a justification for the head)",
)
def decide(request: HttpRequest, code: str, body: DecisionIn) -> Status[DecisionOut]:
    require_role(request, Role.WORKBENCH)
    decision = actions.decide_penalty(
        Actor.from_request(request, Channel.API),
        get_object_or_404(Benchmark.objects.select_related("unit"), code=code),
        facts=body.facts,
        amount_fen=body.amount_fen,
        case_reference=body.case_reference,
        justification=body.justification,
    )
    return Status(
        201,
        DecisionOut(
            id=decision.pk,
            state=DecisionState(decision.state),
            grade=Grade(decision.row.grade),
            amount_fen=decision.amount_fen,
        ),
    )
