"""The penalty decision step is completed only through the discretion benchmark (S12).

Whatever page or API a leader uses, approving the `decide` step of an enforcement case needs the
penalty decision this app recorded for it (within the benchmark's range, or a deviation the head
approved) and not yet used. Deciding not to punish (a refusal with its reasons) needs none.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sunlight.cases.models import Case, Decision, Step
from sunlight.checkpoints.models import DecisionState
from sunlight.enforcement.access import DECISION_NODE, is_enforcement_case
from sunlight.enforcement.models import CaseDecision
from sunlight.ledger.refusals import Refused

USABLE = (DecisionState.WITHIN_RANGE, DecisionState.DEVIATION_APPROVED)


def penalty_through_benchmark(case: Case, step: Step, values: dict[str, Any], decision: str) -> None:
    if step.node_id != DECISION_NODE or decision != Decision.APPROVE or not is_enforcement_case(case):
        return
    usable = CaseDecision.objects.filter(
        case=case,
        step=step,
        completed_at__isnull=True,
        penalty_id=values.get("penalty_decision"),
        penalty__state__in=USABLE,
    )
    if not isinstance(values.get("penalty_decision"), int) or not usable.exists():
        raise Refused(
            _(
                "A penalty is decided on the penalty decision page, against the discretion "
                "benchmark; it cannot be approved here."
            ),
            action="cases.complete_step",
            obj=case,
            kind="checkpoint",
            unit_id=case.owner_id,
            detail={"step": f"{step.node_id}#{step.iteration}", "rule": "enforcement.benchmark"},
        )
