"""A unit's control plan (防控方案): drafted, filed with the commission, returned or approved (S4).

The plan bundles the unit's powers in force, its active risk points and their measures. At
each submission that content is frozen into the plan's snapshot: the commission reviews what
was filed, and an approved plan stays what was approved whatever the register does later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.ledger import canonical
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import records_refusals
from sunlight.orgs.models import Organisation, Post
from sunlight.powers import rules
from sunlight.powers.models import PowerItem, PowerVersion
from sunlight.risks import coverage
from sunlight.risks.models import (
    OPEN_PLAN_STATES,
    PLAN_TRANSITIONS,
    ControlMeasure,
    ControlPlan,
    FindingKind,
    PlanFinding,
    PlanState,
    RiskPoint,
)


@dataclass(frozen=True)
class FindingData:
    kind: str
    text: str
    power: str = ""  # power item code
    post: str = ""  # post code
    risk_point: str = ""  # risk point code


def _refuse_transition(plan: ControlPlan, step: str) -> None:
    if (plan.state, step) not in PLAN_TRANSITIONS:
        raise ValidationError(
            _("The plan is %(state)s; this step is not possible now.")
            % {"state": PlanState(plan.state).label}
        )


def _locked(plan: ControlPlan) -> ControlPlan:
    return ControlPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


@records_refusals
def create_plan(actor: Actor, unit: Organisation, *, title: str) -> ControlPlan:
    acting = rules.as_editor(actor, unit, action="risks.create_plan", obj=unit)
    if len(title.strip()) < 4:
        raise ValidationError({"title": _("Give the plan a title.")})
    if ControlPlan.objects.open().filter(unit=unit).exists():
        raise ValidationError(_("%(unit)s already has a plan being worked on.") % {"unit": unit.name})
    with transaction.atomic():
        number = (ControlPlan.objects.filter(unit=unit).aggregate(m=Max("number"))["m"] or 0) + 1
        plan = ControlPlan.objects.create(unit=unit, number=number, title=title.strip())
        append(
            acting, "risks.create_plan", plan, changes={"title": (None, plan.title), "number": (None, number)}
        )
    return plan


def snapshot(unit: Organisation) -> dict[str, Any]:
    """The unit's powers, risk points and measures as filed (plain JSON)."""
    measures: dict[int, list[dict[str, Any]]] = {}
    for m in ControlMeasure.objects.live().of_unit(unit.pk).select_related("owner").order_by("number"):
        measures.setdefault(m.risk_point_id, []).append(
            {
                "number": m.number,
                "description": m.description,
                "kind": m.kind,
                "owner": m.owner.code if m.owner else "",
                "status": m.status,
                "next_review": m.next_review.isoformat(),
            }
        )
    gaps = coverage.gaps(unit.pk)
    return {
        "powers": [
            {"code": v.item.code, "name": v.name, "category": v.category, "version": v.number}
            for v in PowerVersion.objects.current()
            .of_unit(unit.pk)
            .select_related("item")
            .order_by("item__code")
        ],
        "risk_points": [
            {
                "code": p.code,
                "power": p.power.code if p.power else "",
                "step": p.step,
                "post": p.post.code if p.post else "",
                "kind": p.kind,
                "level": p.level,
                "description": p.description,
                "red_line": p.red_line,
                "consequence": p.consequence,
                "measures": measures.get(p.pk, []),
            }
            for p in RiskPoint.objects.active()
            .of_unit(unit.pk)
            .select_related("power", "post")
            .order_by("code")
        ],
        "gaps": gaps.summary(),
    }


@records_refusals
def submit_plan(actor: Actor, plan: ControlPlan, *, note: str = "") -> ControlPlan:
    """File the plan with the commission; the content is frozen as submitted."""
    acting = rules.as_filer(actor, plan.unit, action="risks.submit_plan", obj=plan)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_transition(plan, "submit")
        content = snapshot(plan.unit)
        if not content["risk_points"]:
            raise ValidationError(_("The register has no risk point yet: there is nothing to file."))
        before = plan.state
        plan.state, plan.round, plan.snapshot = PlanState.SUBMITTED, plan.round + 1, content
        plan.submitted_at, plan.note = timezone.now(), note.strip()
        plan.save()
        append(
            acting,
            "risks.submit_plan",
            plan,
            changes={
                "state": (before, plan.state),
                "round": (plan.round - 1, plan.round),
                "snapshot": (None, canonical.digest(canonical.dumps(content))),
            },
            reason=plan.note,
        )
    return plan


def _resolve(plan: ControlPlan, finding: FindingData) -> PlanFinding:
    errors: dict[str, str] = {}
    if finding.kind not in FindingKind.values:
        errors["kind"] = _("%(v)s is not one of the allowed values.") % {"v": finding.kind}
    if len(finding.text.strip()) < 4:
        errors["text"] = _("Write the finding.")
    power = post = risk_point = None
    if finding.power:
        power = PowerItem.objects.filter(code=finding.power.strip().upper(), unit=plan.unit).first()
        if power is None:
            errors["power"] = _("%(code)s is not a power of the unit.") % {"code": finding.power}
    if finding.post:
        post = Post.objects.filter(code=finding.post.strip(), organisation__unit=plan.unit).first()
        if post is None:
            errors["post"] = _("%(code)s is not a post of the unit.") % {"code": finding.post}
    if finding.risk_point:
        risk_point = RiskPoint.objects.filter(code=finding.risk_point.strip().upper(), unit=plan.unit).first()
        if risk_point is None:
            errors["risk_point"] = _("%(code)s is not a risk point of the unit.") % {
                "code": finding.risk_point
            }
    if errors:
        raise ValidationError(errors)
    return PlanFinding(
        plan=plan,
        round=plan.round,
        kind=finding.kind,
        power=power,
        post=post,
        risk_point=risk_point,
        text=finding.text.strip(),
    )


@records_refusals
def return_plan(actor: Actor, plan: ControlPlan, *, findings: Sequence[FindingData]) -> ControlPlan:
    """The commission sends the plan back to be redone, with its findings."""
    acting = rules.as_reviewer(actor, plan.unit, action="risks.return_plan", obj=plan)
    if not findings:
        raise ValidationError({"findings": _("A plan is returned with at least one finding.")})
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_transition(plan, "return")
        rows = [_resolve(plan, f) for f in findings]
        for row in rows:
            row.created_by = actor.user
        PlanFinding.objects.bulk_create(rows)
        plan.state, plan.reviewed_at, plan.reviewed_by = PlanState.RETURNED, timezone.now(), actor.user
        plan.save(update_fields=["state", "reviewed_at", "reviewed_by"])
        append(
            acting,
            "risks.return_plan",
            plan,
            changes={"state": (PlanState.SUBMITTED, PlanState.RETURNED)},
            reason="; ".join(r.text for r in rows),
            detail={"round": plan.round, "findings": [{"kind": r.kind, "text": r.text} for r in rows]},
        )
    return plan


@records_refusals
def approve_plan(actor: Actor, plan: ControlPlan, *, note: str = "") -> ControlPlan:
    """The commission approves the plan as filed; an approved plan never changes."""
    acting = rules.as_reviewer(actor, plan.unit, action="risks.approve_plan", obj=plan)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_transition(plan, "approve")
        now = timezone.now()
        plan.state, plan.reviewed_at, plan.reviewed_by, plan.approved_at = (
            PlanState.APPROVED,
            now,
            actor.user,
            now,
        )
        plan.save(update_fields=["state", "reviewed_at", "reviewed_by", "approved_at"])
        append(
            acting,
            "risks.approve_plan",
            plan,
            changes={"state": (PlanState.SUBMITTED, PlanState.APPROVED)},
            reason=note,
        )
    return plan


def open_plan(unit_id: int) -> ControlPlan | None:
    return ControlPlan.objects.filter(unit_id=unit_id, state__in=OPEN_PLAN_STATES).first()
