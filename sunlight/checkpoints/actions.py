"""Every change to checkpoint rules, unit parameters, benchmarks and penalty decisions happens here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.checkpoints import authoring, discretion
from sunlight.checkpoints.engine import touch_rule_set
from sunlight.checkpoints.kinds import NodeKind, Severity
from sunlight.checkpoints.models import (
    Benchmark,
    BenchmarkRow,
    BenchmarkVersion,
    DecisionState,
    ParameterOverride,
    PenaltyDecision,
    Rule,
    RuleVersion,
)
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.lib.money import format_yuan
from sunlight.orgs.actions import require_admin
from sunlight.orgs.authority import Standing, current_assignments
from sunlight.orgs.models import Organisation, PostKind

_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")
# Posts that decide penalties in a unit's enforcement cases.
DECIDING_POST_KINDS = (PostKind.CLERK, PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE, PostKind.HEAD)


def _check_dates(actor: Actor, effective_from: dt.date, effective_until: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    # The server's clock is the only clock: a person cannot make a rule valid in the past
    # (the system loading the built-in set may).
    if actor.user is not None and effective_from < timezone.localdate():
        errors["effective_from"] = _("A version cannot take effect in the past.")
    if effective_until is not None and effective_until < effective_from:
        errors["effective_until"] = _("The end is before the start.")
    return errors


def _rule_fields(
    actor: Actor,
    node_kind: str,
    *,
    name: str,
    expression: str,
    message: str,
    legal_basis: str,
    severity: str,
    effective_from: dt.date,
    effective_until: dt.date | None,
    params: Mapping[str, int],
) -> dict[str, Any]:
    errors = _check_dates(actor, effective_from, effective_until)
    for field, value in (("name", name), ("message", message), ("legal_basis", legal_basis)):
        if not value.strip():
            errors[field] = _("This is required.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose block or warn.")
    bad_params = authoring.check_params(params)
    if bad_params:
        errors["params"] = " ".join(bad_params)
    else:
        found = authoring.problems(expression, node_kind, params)
        if found:
            errors["expression"] = " ".join(found)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name.strip(),
        "expression": expression.strip(),
        "message": message.strip(),
        "legal_basis": legal_basis.strip(),
        "severity": severity,
        "effective_from": effective_from,
        "effective_until": effective_until,
        "params": dict(params),
    }


@records_refusals
def create_rule(
    actor: Actor,
    *,
    code: str,
    node_kind: str,
    unit: Organisation | None = None,
    builtin: bool = False,
    note: str = "",
    **content: Any,
) -> Rule:
    """A new rule and its version 1 (content: name, expression, message, legal_basis, ...)."""
    require_admin(actor, "checkpoints.create_rule", ("checkpoints.rule", code))
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if not _CODE.match(code):
        errors["code"] = _("A rule code is capital letters, digits and hyphens, e.g. FUND-PROGRESS.")
    elif Rule.objects.filter(code=code).exists():
        errors["code"] = _("Another rule already has the code %(code)s.") % {"code": code}
    if node_kind not in NodeKind.values:
        errors["node_kind"] = _("Choose the node the rule stands at.")
    if unit is not None and not unit.is_unit:
        errors["unit"] = _("A rule belongs to the district or to a unit.")
    if errors:
        raise ValidationError(errors)
    fields = _rule_fields(actor, node_kind, **content)
    with transaction.atomic():
        rule = Rule.objects.create(code=code, node_kind=node_kind, unit=unit, builtin=builtin)
        version = RuleVersion.objects.create(rule=rule, version=1, note=note, created_by=actor.user, **fields)
        touch_rule_set()
        append(
            actor,
            "checkpoints.create_rule",
            rule,
            changes={"node_kind": (None, node_kind), "unit": (None, unit.code if unit else None)}
            | {k: (None, v) for k, v in fields.items()},
            reason=note,
            detail={"version": version.version},
        )
    return rule


@records_refusals
def revise_rule(actor: Actor, rule: Rule, *, note: str, **content: Any) -> RuleVersion:
    """Write the next version of a rule; earlier versions stay as they were applied."""
    require_admin(actor, "checkpoints.revise_rule", rule)
    if not note.strip():
        raise ValidationError({"note": _("Say why the rule changes.")})
    fields = _rule_fields(actor, rule.node_kind, **content)
    with transaction.atomic():
        Rule.objects.select_for_update().filter(pk=rule.pk).first()  # one new version at a time
        previous = rule.versions.order_by("-version").first()
        number = (previous.version if previous else 0) + 1
        version = RuleVersion.objects.create(
            rule=rule, version=number, note=note.strip(), created_by=actor.user, **fields
        )
        touch_rule_set()
        append(
            actor,
            "checkpoints.revise_rule",
            rule,
            changes={
                k: (getattr(previous, k, None), v)
                for k, v in fields.items()
                if previous is None or getattr(previous, k) != v
            },
            reason=note,
            detail={"version": number},
        )
    return version


@records_refusals
def set_parameter(
    actor: Actor, rule: Rule, *, unit: Organisation, name: str, value: int, reason: str
) -> ParameterOverride:
    """A unit's own value for one parameter of a rule (e.g. a lower change-order red line)."""
    require_admin(actor, "checkpoints.set_parameter", rule)
    current = rule.versions.order_by("-version").first()
    errors: dict[str, str] = {}
    if current is None or name not in current.params:
        errors["name"] = _("%(rule)s has no parameter %(name)s.") % {"rule": rule.code, "name": name}
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors["value"] = _("A parameter is a whole number, zero or more.")
    if not unit.is_unit:
        errors["unit"] = _("Choose a unit.")
    if not reason.strip():
        errors["reason"] = _("Give the reason (e.g. the unit's own regulation).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            ParameterOverride.objects.select_for_update().filter(rule=rule, unit=unit, name=name).first()
        )
        before = existing.value if existing else None
        override, _created = ParameterOverride.objects.update_or_create(
            rule=rule,
            unit=unit,
            name=name,
            defaults={
                "value": value,
                "reason": reason.strip(),
                "set_by": actor.user,
                "set_at": timezone.now(),
            },
        )
        touch_rule_set()
        append(
            actor,
            "checkpoints.set_parameter",
            rule,
            changes={f"{unit.code}.{name}": (before, value)},
            reason=reason,
        )
    return override


@records_refusals
def clear_parameter(actor: Actor, override: ParameterOverride, *, reason: str) -> None:
    require_admin(actor, "checkpoints.clear_parameter", override.rule)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        append(
            actor,
            "checkpoints.clear_parameter",
            override.rule,
            changes={f"{override.unit.code}.{override.name}": (override.value, None)},
            reason=reason,
        )
        override.delete()
        touch_rule_set()


# -- discretion benchmarks ------------------------------------------------------------------------


def _benchmark_fields(
    actor: Actor,
    *,
    violation: str,
    inputs: Sequence[Mapping[str, Any]],
    rows: Sequence[discretion.RowSpec],
    effective_from: dt.date,
    effective_until: dt.date | None = None,
) -> dict[str, Any]:
    errors = _check_dates(actor, effective_from, effective_until)
    if not violation.strip():
        errors["violation"] = _("Name the violation type.")
    found = discretion.input_problems(inputs)
    if found:
        errors["inputs"] = " ".join(found)
    else:
        found = discretion.row_problems(inputs, rows)
        if found:
            errors["rows"] = " ".join(found)
    if errors:
        raise ValidationError(errors)
    return {
        "violation": violation.strip(),
        "inputs": [{"name": i["name"], "label": str(i["label"]).strip(), "type": i["type"]} for i in inputs],
        "effective_from": effective_from,
        "effective_until": effective_until,
    }


def _write_version(
    actor: Actor,
    benchmark: Benchmark,
    number: int,
    fields: dict[str, Any],
    rows: Sequence[discretion.RowSpec],
    note: str,
) -> BenchmarkVersion:
    version = BenchmarkVersion.objects.create(
        benchmark=benchmark, version=number, note=note.strip(), created_by=actor.user, **fields
    )
    BenchmarkRow.objects.bulk_create(
        BenchmarkRow(
            version=version,
            order=order,
            grade=row.grade,
            condition=row.condition.strip(),
            legal_basis=row.legal_basis.strip(),
            penalty_min_fen=row.penalty_min_fen,
            penalty_max_fen=row.penalty_max_fen,
            measures=row.measures.strip(),
        )
        for order, row in enumerate(rows, start=1)
    )
    append(
        actor,
        "checkpoints.benchmark_version",
        benchmark,
        changes={"version": (number - 1 or None, number), "violation": (None, fields["violation"])},
        reason=note,
        detail={
            "inputs": fields["inputs"],
            "rows": [
                {
                    "grade": r.grade,
                    "condition": r.condition,
                    "basis": r.legal_basis,
                    "min_fen": r.penalty_min_fen,
                    "max_fen": r.penalty_max_fen,
                }
                for r in rows
            ],
        },
    )
    return version


@records_refusals
def create_benchmark(
    actor: Actor,
    *,
    code: str,
    unit: Organisation,
    rows: Sequence[discretion.RowSpec],
    note: str = "",
    **content: Any,
) -> Benchmark:
    require_admin(actor, "checkpoints.create_benchmark", ("checkpoints.benchmark", code))
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationError({"code": _("A code is capital letters, digits and hyphens.")})
    if Benchmark.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Another benchmark already has the code %(code)s.") % {"code": code}}
        )
    if not unit.is_unit:
        raise ValidationError({"unit": _("Choose the enforcing unit.")})
    fields = _benchmark_fields(actor, rows=rows, **content)
    with transaction.atomic():
        benchmark = Benchmark.objects.create(code=code, unit=unit)
        _write_version(actor, benchmark, 1, fields, rows, note)
    return benchmark


@records_refusals
def revise_benchmark(
    actor: Actor, benchmark: Benchmark, *, rows: Sequence[discretion.RowSpec], note: str, **content: Any
) -> BenchmarkVersion:
    require_admin(actor, "checkpoints.revise_benchmark", benchmark)
    if not note.strip():
        raise ValidationError({"note": _("Say why the table changes.")})
    fields = _benchmark_fields(actor, rows=rows, **content)
    with transaction.atomic():
        Benchmark.objects.select_for_update().filter(pk=benchmark.pk).first()
        number = (benchmark.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        return _write_version(actor, benchmark, number, fields, rows, note)


def _person(actor: Actor) -> User:
    assert actor.user is not None, "a standing implies a person"
    return actor.user


def _deciding_standing(actor: Actor, unit: Organisation, kinds: Sequence[str]) -> Standing | None:
    if actor.user is None:
        return None
    for assignment in current_assignments(actor.user):
        if assignment.post.organisation.unit_id == unit.pk and assignment.post.kind in kinds:
            return Standing(post=assignment.post, assignment=assignment)
    return None


@records_refusals
def decide_penalty(
    actor: Actor,
    benchmark: Benchmark,
    *,
    facts: Mapping[str, Any],
    amount_fen: int,
    case_reference: str,
    justification: str = "",
) -> PenaltyDecision:
    """Record a penalty under the benchmark in force; outside its range only with a justification."""
    standing = _deciding_standing(actor, benchmark.unit, DECIDING_POST_KINDS)
    if standing is None:
        raise Refused(
            _("Only staff of %(unit)s decide penalties under its benchmarks.") % {"unit": benchmark.unit},
            action="checkpoints.decide_penalty",
            obj=benchmark,
            unit_id=benchmark.unit_id,
        )
    version = discretion.version_in_force(benchmark)
    if version is None:
        raise ValidationError(_("%(code)s has no version in force today.") % {"code": benchmark.code})
    typed = discretion.parse_facts(version, facts)
    errors: dict[str, str] = {}
    if not case_reference.strip():
        errors["case_reference"] = _("Give the case number.")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        errors["amount_fen"] = _("The fine is an amount of zero or more.")
    if errors:
        raise ValidationError(errors)
    proposal = discretion.propose(version, typed)
    inside = proposal.allows(amount_fen)
    if not inside and not justification.strip():
        raise Refused(
            _(
                "The fine %(amount)s is outside the range %(range)s of grade %(grade)s (%(basis)s). "
                "Record a justification for the head to approve, or keep to the range."
            )
            % {
                "amount": format_yuan(amount_fen),
                "range": proposal.range_text,
                "grade": proposal.row.get_grade_display(),
                "basis": proposal.legal_basis,
            },
            action="checkpoints.decide_penalty",
            obj=benchmark,
            kind="checkpoint",
            unit_id=benchmark.unit_id,
            detail={
                "benchmark": str(version),
                "facts": typed,
                "amount_fen": amount_fen,
                "row": proposal.row.order,
            },
        )
    with transaction.atomic():
        decision = PenaltyDecision.objects.create(
            version=version,
            row=proposal.row,
            unit=benchmark.unit,
            case_reference=case_reference.strip(),
            facts=typed,
            amount_fen=amount_fen,
            justification=justification.strip(),
            state=DecisionState.WITHIN_RANGE if inside else DecisionState.AWAITING_HEAD,
            decided_by=_person(actor),
        )
        append(
            actor.acting_as(standing),
            "checkpoints.decide_penalty",
            decision,
            changes={
                "state": (None, decision.state),
                "amount_fen": (None, amount_fen),
                "grade": (None, proposal.grade),
            },
            reason=justification,
            detail={
                "benchmark": str(version),
                "facts": typed,
                "row": proposal.row.order,
                "basis": proposal.legal_basis,
                "range_fen": [proposal.row.penalty_min_fen, proposal.row.penalty_max_fen],
                "case": decision.case_reference,
            },
        )
    return decision


@records_refusals
def review_deviation(
    actor: Actor, decision: PenaltyDecision, *, approve: bool, comment: str
) -> PenaltyDecision:
    """The head approves or refuses a fine outside the range; an approval is flagged to inspectors."""
    standing = _deciding_standing(actor, decision.unit, (PostKind.HEAD,))
    if standing is None or actor.user is None or actor.user.pk == decision.decided_by_id:
        raise Refused(
            _("Only the head of %(unit)s, and not the person who decided, approves a fine outside the range.")
            % {"unit": decision.unit},
            action="checkpoints.review_deviation",
            obj=decision,
            unit_id=decision.unit_id,
        )
    if decision.state != DecisionState.AWAITING_HEAD:
        raise ValidationError(_("This decision is not awaiting the head."))
    if not comment.strip():
        raise ValidationError({"comment": _("Give the reason.")})
    before = decision.state
    with transaction.atomic():
        decision.state = DecisionState.DEVIATION_APPROVED if approve else DecisionState.DEVIATION_REFUSED
        decision.reviewed_by, decision.reviewed_at = actor.user, timezone.now()
        decision.review_comment = comment.strip()
        decision.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        append(
            actor.acting_as(standing),
            "checkpoints.review_deviation",
            decision,
            changes={"state": (before, decision.state)},
            reason=comment,
        )
        if approve:
            raise_alarm(
                Actor.system(actor.channel),
                kind=AlarmKind.OTHER,
                level=AlarmLevel.YELLOW,
                message=_(
                    "Penalty outside the discretion benchmark approved by the head: %(case)s, %(amount)s "
                    "(range %(range)s). Justification: %(why)s"
                )
                % {
                    "case": decision.case_reference,
                    "amount": format_yuan(decision.amount_fen),
                    "range": f"{format_yuan(decision.row.penalty_min_fen)} – {format_yuan(decision.row.penalty_max_fen)}",
                    "why": decision.justification,
                },
                dedupe_key=f"discretion-deviation:{decision.pk}",
                unit=decision.unit,
                subject=decision,
                person=decision.decided_by,
                detail={"benchmark": str(decision.version), "head": actor.user.pk},
            )
    return decision
