"""Alarms read from the ledger's tail: what completed steps reveal once they are done.

The ledger is the one record of every action, numbered without gaps, so following it by
sequence number (`seq > bookmark`, the primary key) costs only the new leaves, whatever the
size of the case tables. The bookmark is a `SweepMark` row: claimed with `FOR UPDATE SKIP
LOCKED` on PostgreSQL (one node reads a stretch at a time), moved forward in the same
transaction as the alarms it led to, so a crash re-reads the stretch and the dedupe keys make
that harmless.

From each completed step (`cases.complete_step`):
- the yellow cards of what is finished (a step done or cancelled, a case concluded) are resolved
  (also after `cases.withdraw`): a warning about work that is done needs nobody;
- a refusal whose reasons are shorter than ALARMS_REFUSAL_MIN_CHARS: REFUSED_WITHOUT_REASONS
  (行政许可法 §38: a refusal states its reasons);
- a township's step in another unit's case completed after its due date: TOWNSHIP_FORWARDED_LATE
  (the same key as the sweep's, so a step overdue while open is one alarm, not two);
- a form value named `fee` (integer fen) that matches none of the power's fixed fees:
  FEE_MISMATCH (a power with no fee that charges one mismatches too).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from sunlight.alarms import conf
from sunlight.alarms.actions import raise_alarm, resolve_warning
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState, SweepMark
from sunlight.alarms.sweep import CASE_SUBJECT, STEP_SUBJECT
from sunlight.cases.models import OPEN_CASE_STATES, Case, Step, StepState
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel, Leaf
from sunlight.lib.money import format_yuan
from sunlight.orgs.models import OrgKind

MARK = "alarms.ledger"
BATCH = 5000
FOLLOWED = ("cases.complete_step", "cases.withdraw")
TOWNSHIPS = (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT)


def power_fees(power_code: str) -> list[int] | None:
    """The fixed fees (fen) of the power in force; None when one follows a standard (not checkable)."""
    from sunlight.powers.models import Fee, PowerVersion

    versions = PowerVersion.objects.current().filter(item__code=power_code)
    fees = list(Fee.objects.filter(version__in=versions).values_list("amount_fen", flat=True))
    if any(fee is None for fee in fees):
        return None
    return [int(fee) for fee in fees if fee is not None]


def fee_matches(charged: int, fees: list[int]) -> bool:
    if not fees:
        return charged == 0
    return charged in fees or charged == sum(fees)


class _Reader:
    def __init__(self) -> None:
        self.actor = Actor.system(Channel.TIMER)
        self.cases: dict[int, Case] = {}
        self.touched: set[int] = set()  # cases whose steps were done or cancelled

    def case(self, pk: int) -> Case | None:
        if pk not in self.cases:
            found = Case.objects.select_related("owner", "definition").filter(pk=pk).first()
            if found is None:
                return None
            self.cases[pk] = found
        return self.cases[pk]

    def leaf(self, seq: int, object_id: str, data: str) -> int:
        payload: dict[str, Any] = json.loads(data)
        case = self.case(int(object_id))
        if case is None:
            return 0
        detail = payload.get("detail") or {}
        node_id, _sep, iteration = str(detail.get("step", "")).partition("#")
        changes: dict[str, list[Any]] = payload.get("changes") or {}
        person = (payload.get("actor") or {}).get("person") or {}
        raised = 0
        decision = (changes.get(f"{node_id}.decision") or [None, ""])[1]
        reason = str(payload.get("reason") or "").strip()
        if decision == "refuse" and len(reason) < conf.refusal_min_chars():
            raised += self.refusal(seq, case, node_id, reason, person)
        if detail.get("late"):
            raised += self.township_late(case, node_id, int(iteration or 1))
        fee = (changes.get(f"{node_id}.fee") or [None, None])[1]
        if isinstance(fee, int) and not isinstance(fee, bool) and case.definition.power_code:
            raised += self.fee(seq, case, fee)
        return raised

    def refusal(self, seq: int, case: Case, node_id: str, reason: str, person: dict[str, Any]) -> int:
        from sunlight.accounts.models import User

        _alarm, created = raise_alarm(
            self.actor,
            kind=AlarmKind.REFUSED_WITHOUT_REASONS,
            level=AlarmLevel.RED,
            message=_("Case %(case)s was refused without reasons (given: “%(reason)s”).")
            % {"case": case.number, "reason": reason or "—"},
            dedupe_key=f"refusal-reasons:{seq}",
            unit=case.owner,
            subject=case,
            person=User.objects.filter(pk=int(person["id"])).first() if person.get("id") else None,
            detail={"ledger_seq": seq, "step": node_id},
        )
        return int(created)

    def township_late(self, case: Case, node_id: str, iteration: int) -> int:
        step = (
            Step.objects.select_related("unit")
            .filter(case=case, node_id=node_id, iteration=iteration)
            .first()
        )
        if step is None or step.unit.kind not in TOWNSHIPS or step.unit_id == case.owner_id:
            return 0
        _alarm, created = raise_alarm(
            self.actor,
            kind=AlarmKind.TOWNSHIP_FORWARDED_LATE,
            level=AlarmLevel.RED,
            message=_(
                "%(unit)s forwarded the initial review “%(step)s” of case %(case)s late (due on %(due)s)."
            )
            % {"unit": step.unit.name, "step": step.name, "case": case.number, "due": step.due_date},
            dedupe_key=f"township-late:{step.pk}",
            unit=step.unit,
            subject=step,
            person=step.completed_by,
            detail={"case": case.number, "due_date": step.due_date.isoformat(), "step": step.name},
        )
        return int(created)

    def fee(self, seq: int, case: Case, charged: int) -> int:
        fees = power_fees(case.definition.power_code)
        if fees is None or fee_matches(charged, fees):
            return 0
        standard = "、".join(format_yuan(f) for f in fees) or _("no fee")
        _alarm, created = raise_alarm(
            self.actor,
            kind=AlarmKind.FEE_MISMATCH,
            level=AlarmLevel.RED,
            message=_("Case %(case)s charged %(charged)s; the power's fee standard is %(standard)s.")
            % {"case": case.number, "charged": format_yuan(charged), "standard": standard},
            dedupe_key=f"fee:{seq}",
            unit=case.owner,
            subject=case,
            detail={"charged_fen": charged, "standard_fen": fees, "ledger_seq": seq},
        )
        return int(created)

    def resolve_warnings(self) -> int:
        """Close the yellow cards of steps no longer open and of cases concluded (two indexed
        reads for the whole stretch, then one conditional UPDATE per card)."""
        if not self.touched:
            return 0
        cases = [
            str(pk)
            for pk in Case.objects.filter(pk__in=self.touched)
            .exclude(state__in=OPEN_CASE_STATES)
            .values_list("pk", flat=True)
        ]
        steps = [
            str(pk)
            for pk in Step.objects.filter(case_id__in=self.touched)
            .exclude(state=StepState.ACTIVE)
            .values_list("pk", flat=True)
        ]
        warnings = Alarm.objects.filter(level=AlarmLevel.YELLOW, state=AlarmState.RAISED).filter(
            Q(subject_type=STEP_SUBJECT, subject_id__in=steps)
            | Q(subject_type=CASE_SUBJECT, subject_id__in=cases)
        )
        return sum(resolve_warning(alarm) for alarm in warnings)


def follow() -> int:
    """Read the next stretch of the ledger; returns how many alarms it raised."""
    SweepMark.objects.get_or_create(name=MARK)
    last = Leaf.objects.aggregate(last=Max("seq"))["last"]
    if last is None:
        return 0
    with transaction.atomic():
        mark = SweepMark.objects.select_for_update(skip_locked=True).filter(name=MARK).first()
        if mark is None or mark.position > last:
            return 0  # another node is reading this stretch
        end = min(last, mark.position + BATCH - 1)
        reader = _Reader()
        raised = 0
        leaves = (
            Leaf.objects.filter(seq__gte=mark.position, seq__lte=end, action__in=FOLLOWED)
            .order_by("seq")
            .values_list("seq", "action", "object_id", "data")
        )
        for seq, action, object_id, data in leaves:
            reader.touched.add(int(object_id))
            if action == "cases.complete_step":
                raised += reader.leaf(seq, object_id, data)
        reader.resolve_warnings()
        SweepMark.objects.filter(pk=mark.pk, position=mark.position).update(position=end + 1)
    return raised
