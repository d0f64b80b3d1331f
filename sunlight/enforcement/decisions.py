"""The decision step of an enforcement case, under the unit's discretion benchmark (S20).

The officer enters the main facts; the benchmark in force proposes the grade, its legal basis
and the range of the fine. A fine inside the range is recorded (`checkpoints.decide_penalty`)
and completes the case's decision step at once. A fine outside the range without a
justification is refused, recorded and alarmed; with one it waits for the head's approval
(`checkpoints.review_deviation`), after which the officer concludes the step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.cases import actions as case_actions
from sunlight.cases.models import Case, Decision, Step, StepState
from sunlight.checkpoints import actions as checkpoint_actions
from sunlight.checkpoints import discretion
from sunlight.checkpoints.models import Benchmark, BenchmarkVersion, DecisionState
from sunlight.enforcement import access
from sunlight.enforcement.models import CaseDecision, Evidence, EvidenceUse
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.lib.money import format_yuan


def decision_step(case: Case) -> Step | None:
    return case.steps.filter(node_id=access.DECISION_NODE, state=StepState.ACTIVE).first()


def benchmarks_of(case: Case) -> list[Benchmark]:
    return list(Benchmark.objects.filter(unit_id=case.owner_id).order_by("code"))


def version_of(benchmark: Benchmark) -> BenchmarkVersion:
    version = discretion.version_in_force(benchmark)
    if version is None:
        raise ValidationError(
            {"benchmark": _("%(code)s has no version in force today.") % {"code": benchmark.code}}
        )
    return version


def propose(benchmark: Benchmark, facts: Mapping[str, Any]) -> discretion.Proposal:
    """What the benchmark in force proposes for the facts (a ValidationError names bad facts)."""
    version = version_of(benchmark)
    return discretion.propose(version, discretion.parse_facts(version, facts))


def pending(case: Case) -> CaseDecision | None:
    """A decision outside the range that is still waiting for the head, or approved but not concluded."""
    return (
        CaseDecision.objects.filter(case=case, completed_at__isnull=True)
        .exclude(penalty__state=DecisionState.DEVIATION_REFUSED)
        .select_related("penalty__row", "penalty__version")
        .first()
    )


def _values(record: CaseDecision) -> dict[str, Any]:
    penalty = record.penalty
    return {
        "penalty_decision": penalty.pk,
        "benchmark": str(penalty.version),
        "grade": penalty.row.grade,
        "legal_basis": penalty.row.legal_basis,
        "amount_fen": penalty.amount_fen,
    }


def _conclude(actor: Actor, record: CaseDecision, reason: str) -> None:
    case_actions.complete_step(
        actor, record.step, values=_values(record), decision=Decision.APPROVE, reason=reason
    )
    record.completed_at = timezone.now()
    record.save(update_fields=["completed_at"])


@records_refusals
def decide_penalty(
    actor: Actor,
    case: Case,
    *,
    benchmark: Benchmark,
    facts: Mapping[str, Any],
    amount_fen: int,
    justification: str = "",
    reason: str = "",
    evidence_ids: Sequence[int] = (),
) -> CaseDecision:
    """Record the penalty of the case under the benchmark; within the range it completes the step."""
    step = decision_step(case)
    if step is None:
        raise ValidationError(_("The case %(number)s is not at its decision step.") % {"number": case.number})
    standing = case_actions.standing_for_step(actor, step, "enforcement.decide_penalty")
    if benchmark.unit_id != case.owner_id:
        raise ValidationError({"benchmark": _("Choose a benchmark of %(unit)s.") % {"unit": case.owner}})
    if pending(case) is not None:
        raise ValidationError(_("A decision outside the range is waiting for the head; it comes first."))
    version = version_of(benchmark)
    typed = discretion.parse_facts(version, facts)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValidationError({"amount_fen": _("The fine is an amount of zero or more.")})
    proposal = discretion.propose(version, typed)
    evidence = list(Evidence.objects.filter(case=case, pk__in=list(evidence_ids)))
    if len(evidence) != len(set(evidence_ids)):
        raise ValidationError({"evidence": _("Choose evidence of this case.")})
    if not proposal.allows(amount_fen) and not justification.strip():
        # The same rule as checkpoints.decide_penalty, checked before anything is written so
        # that the refusal is recorded once, against the case.
        raise Refused(
            _(
                "The fine %(amount)s is outside the range %(range)s of grade %(grade)s (%(basis)s) "
                "for these facts. Keep to the range, or record a justification for the head to approve."
            )
            % {
                "amount": format_yuan(amount_fen),
                "range": proposal.range_text,
                "grade": proposal.row.get_grade_display(),
                "basis": proposal.legal_basis,
            },
            action="enforcement.decide_penalty",
            obj=case,
            kind="checkpoint",
            unit_id=case.owner_id,
            detail={
                "benchmark": str(version),
                "facts": typed,
                "amount_fen": amount_fen,
                "row": proposal.row.order,
            },
        )
    assert actor.user is not None  # standing_for_step refuses anyone else
    with transaction.atomic():
        penalty = checkpoint_actions.decide_penalty(
            actor,
            benchmark,
            facts=typed,
            amount_fen=amount_fen,
            case_reference=case.number,
            justification=justification,
        )
        record = CaseDecision.objects.create(case=case, step=step, penalty=penalty, decided_by=actor.user)
        acting = actor.acting_as(standing)
        for item in evidence:
            EvidenceUse.objects.create(decision=record, evidence=item)
            append(
                acting,
                "enforcement.use_evidence",
                item,
                detail={"case": case.number, "decision": record.pk, "sha256": item.sha256},
            )
        append(
            acting,
            "enforcement.decide_penalty",
            case,
            changes={
                "penalty_decision": (None, penalty.pk),
                "grade": (None, proposal.grade),
                "amount_fen": (None, amount_fen),
            },
            reason=justification,
            detail={
                "benchmark": str(version),
                "facts": typed,
                "basis": proposal.legal_basis,
                "range_fen": [proposal.row.penalty_min_fen, proposal.row.penalty_max_fen],
                "state": penalty.state,
                "evidence": [item.pk for item in evidence],
            },
        )
        if penalty.state == DecisionState.WITHIN_RANGE:
            _conclude(actor, record, reason)
    return record


@records_refusals
def conclude_decision(actor: Actor, record: CaseDecision, *, reason: str = "") -> CaseDecision:
    """After the head approved a fine outside the range, complete the decision step with it."""
    case_actions.standing_for_step(actor, record.step, "enforcement.conclude_decision")
    record.penalty.refresh_from_db()
    if record.completed_at is not None:
        raise ValidationError(_("This decision is already concluded."))
    if record.penalty.state == DecisionState.AWAITING_HEAD:
        raise ValidationError(_("The head has not yet approved the fine outside the range."))
    if record.penalty.state == DecisionState.DEVIATION_REFUSED:
        raise ValidationError(_("The head refused the fine outside the range; decide again within it."))
    with transaction.atomic():
        _conclude(actor, record, reason)
    return record
