"""Supervision records: patrols and their findings, spot checks, quarterly self-checks, and the
inspectors' reads of cases. Inspectors write only these (invariant 8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.alarms import lifecycle
from sunlight.alarms.actions import raise_by_hand
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.cases.models import Case, CaseState
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Organisation
from sunlight.supervision.models import (
    CheckResult,
    Patrol,
    PatrolFinding,
    SelfCheck,
    Severity,
    SpotCheck,
    SpotCheckItem,
)

MAX_SAMPLE = 200


def inspector_for(actor: Actor, unit_id: int | None, action: str, obj: Any) -> Standing:
    standing = lifecycle.inspector_standing(actor.user, unit_id)
    if standing is None:
        raise Refused(
            _("Only an inspector whose jurisdiction includes the unit may do this."),
            action=action,
            obj=obj,
            unit_id=unit_id,
        )
    return standing


def monitor_for(actor: Actor, unit: Organisation, action: str, obj: Any) -> Standing:
    standing = lifecycle.monitor_standing(actor.user, Alarm(unit=unit))
    if standing is None:
        raise Refused(
            _("Only the unit's monitoring centre may do this."), action=action, obj=obj, unit_id=unit.pk
        )
    return standing


def record_case_read(actor: Actor, case: Case, *, purpose: str) -> None:
    """An inspector read a case (invariant 2: sensitive reads are in the ledger)."""
    with transaction.atomic():
        append(actor, "cases.read", case, detail={"purpose": purpose})


# ----------------------------------------------------------------------------------- patrols


@records_refusals
def start_patrol(actor: Actor, *, scope: str, unit: Organisation | None) -> Patrol:
    standing = inspector_for(
        actor, unit.pk if unit else None, "supervision.start_patrol", ("supervision.patrol", 0)
    )
    if not scope.strip():
        raise ValidationError({"scope": _("Say what the patrol looks at.")})
    assert actor.user is not None
    with transaction.atomic():
        patrol = Patrol.objects.create(inspector=actor.user, unit=unit, scope=scope.strip())
        append(
            actor.acting_as(standing),
            "supervision.start_patrol",
            patrol,
            changes={"scope": (None, patrol.scope)},
            detail={"unit": unit.code if unit else None},
        )
    return patrol


@records_refusals
def add_finding(
    actor: Actor,
    patrol: Patrol,
    *,
    unit: Organisation,
    severity: str,
    description: str,
    case: Case | None = None,
) -> PatrolFinding:
    """Record what a patrol found; a violation raises an alarm the unit must explain."""
    standing = inspector_for(actor, unit.pk, "supervision.add_finding", patrol)
    errors: dict[str, str] = {}
    if patrol.closed_at is not None:
        errors["description"] = _("This patrol is closed.")
    if patrol.unit_id is not None and unit.pk != patrol.unit_id:
        errors["unit"] = _("This patrol looks at another unit.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose the severity.")
    if not description.strip():
        errors["description"] = _("Describe the finding.")
    if case is not None and unit.pk not in (case.owner_id, case.intake_id):
        errors["case"] = _("The case is not one of this unit's.")
    if errors:
        raise ValidationError(errors)
    assert actor.user is not None
    with transaction.atomic():
        alarm = None
        if severity == Severity.VIOLATION:
            alarm = raise_by_hand(
                actor,
                kind=AlarmKind.OTHER,
                unit=unit,
                message=_("Online patrol “%(scope)s”: %(finding)s")
                % {"scope": patrol.scope, "finding": description.strip()},
                subject=case.number if case else "",
            )
        finding = PatrolFinding.objects.create(
            patrol=patrol,
            unit=unit,
            case=case,
            severity=severity,
            description=description.strip(),
            alarm=alarm,
            recorded_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "supervision.add_finding",
            patrol,
            changes={"finding": (None, finding.description)},
            detail={
                "severity": severity,
                "case": case.number if case else None,
                "alarm": alarm.pk if alarm else None,
            },
        )
    return finding


@records_refusals
def close_patrol(actor: Actor, patrol: Patrol, *, summary: str) -> Patrol:
    standing = inspector_for(actor, patrol.unit_id, "supervision.close_patrol", patrol)
    if patrol.closed_at is not None:
        raise ValidationError(_("This patrol is already closed."))
    if not summary.strip():
        raise ValidationError({"summary": _("Sum up the patrol.")})
    with transaction.atomic():
        patrol.closed_at, patrol.summary = timezone.now(), summary.strip()
        patrol.save(update_fields=["closed_at", "summary"])
        append(
            actor.acting_as(standing),
            "supervision.close_patrol",
            patrol,
            changes={"summary": (None, patrol.summary)},
        )
    return patrol


# ------------------------------------------------------------------------------- spot checks


def population(unit: Organisation, start: dt.date, end: dt.date) -> list[int]:
    """Ids of the unit's cases (owned or accepted) started in [start, end], ascending."""
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    last = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    cases = Case.objects.of_units({unit.pk}).filter(started_at__gte=first, started_at__lt=last)
    return list(cases.order_by("pk").values_list("pk", flat=True))


def digest_of(ids: list[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()


def draw(ids: list[int], seed: int, size: int) -> list[int]:
    """The documented draw: Python's Mersenne Twister seeded with `seed`, sampling without replacement."""
    return random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311 - reproducible, not secret


@records_refusals
def draw_spot_check(
    actor: Actor, *, unit: Organisation, start: dt.date, end: dt.date, size: int, seed: int | None = None
) -> SpotCheck:
    """Draw `size` cases of the unit started in the period, by a recorded seed (业务抽查)."""
    standing = inspector_for(actor, unit.pk, "supervision.draw_spot_check", unit)
    errors: dict[str, str] = {}
    if end < start:
        errors["period_until"] = _("The period ends before it starts.")
    if end > timezone.localdate():
        errors["period_until"] = _("A spot check looks at a period that has passed.")
    if not 1 <= size <= MAX_SAMPLE:
        errors["size"] = _("Draw between 1 and %(n)d cases.") % {"n": MAX_SAMPLE}
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = _("A seed is a whole number from 0 to 2^62.")
    if errors:
        raise ValidationError(errors)
    ids = population(unit, start, end)
    if not ids:
        raise ValidationError({"period_from": _("The unit has no cases in this period.")})
    chosen_seed = seed if seed is not None else secrets.randbits(62)
    drawn = draw(ids, chosen_seed, size)
    assert actor.user is not None
    with transaction.atomic():
        check = SpotCheck.objects.create(
            inspector=actor.user,
            unit=unit,
            period_from=start,
            period_until=end,
            size=size,
            seed=chosen_seed,
            population=len(ids),
            population_digest=digest_of(ids),
        )
        SpotCheckItem.objects.bulk_create(
            SpotCheckItem(spot_check=check, position=n, case_id=pk) for n, pk in enumerate(drawn, start=1)
        )
        append(
            actor.acting_as(standing),
            "supervision.draw_spot_check",
            check,
            changes={"seed": (None, chosen_seed)},
            detail={
                "unit": unit.code,
                "period": [start.isoformat(), end.isoformat()],
                "population": len(ids),
                "population_digest": check.population_digest,
                "drawn": drawn,
            },
        )
    return check


def redraw(check: SpotCheck) -> tuple[bool, list[int]]:
    """Redo the draw from the recorded seed: (the same cases and population?, the cases drawn now)."""
    ids = population(check.unit, check.period_from, check.period_until)
    again = draw(ids, check.seed, check.size)
    recorded = list(check.items.order_by("position").values_list("case_id", flat=True))
    return again == recorded and digest_of(ids) == check.population_digest, again


@records_refusals
def check_case(
    actor: Actor, item: SpotCheckItem, *, result: str, finding: str, raise_alarm: bool = False
) -> SpotCheckItem:
    check = item.spot_check
    standing = inspector_for(actor, check.unit_id, "supervision.check_case", check)
    errors: dict[str, str] = {}
    if check.concluded_at is not None:
        errors["result"] = _("This spot check is concluded.")
    if result not in (CheckResult.COMPLIANT, CheckResult.PROBLEM):
        errors["result"] = _("Choose compliant or problem found.")
    if result == CheckResult.PROBLEM and not finding.strip():
        errors["finding"] = _("Describe the problem.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = item.result
        item.result, item.finding = result, finding.strip()
        item.checked_by, item.checked_at = actor.user, timezone.now()
        item.save(update_fields=["result", "finding", "checked_by", "checked_at"])
        alarm = None
        if raise_alarm and result == CheckResult.PROBLEM:
            alarm = raise_by_hand(
                actor,
                kind=AlarmKind.OTHER,
                unit=check.unit,
                message=_("Spot check of %(case)s: %(finding)s")
                % {"case": item.case.number, "finding": item.finding},
                subject=item.case.number,
            )
        append(
            actor.acting_as(standing),
            "supervision.check_case",
            check,
            changes={f"{item.case.number}.result": (before, result)},
            reason=item.finding,
            detail={"alarm": alarm.pk if alarm else None},
        )
    return item


@records_refusals
def conclude_spot_check(actor: Actor, check: SpotCheck, *, conclusion: str) -> SpotCheck:
    standing = inspector_for(actor, check.unit_id, "supervision.conclude_spot_check", check)
    errors: dict[str, str] = {}
    if check.concluded_at is not None:
        errors["conclusion"] = _("This spot check is already concluded.")
    elif check.items.filter(result=CheckResult.PENDING).exists():
        errors["conclusion"] = _("Check every drawn case first.")
    if not conclusion.strip():
        errors["conclusion"] = _("Write the conclusion.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check.conclusion, check.concluded_at = conclusion.strip(), timezone.now()
        check.save(update_fields=["conclusion", "concluded_at"])
        counted = dict(check.items.values_list("result").annotate(n=Count("pk")).values_list("result", "n"))
        append(
            actor.acting_as(standing),
            "supervision.conclude_spot_check",
            check,
            changes={"conclusion": (None, check.conclusion)},
            detail={"results": counted},
        )
    return check


# --------------------------------------------------------------------------- quarterly self-check


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def quarter_figures(unit: Organisation, year: int, quarter: int) -> dict[str, int]:
    """The quarter's numbers the self-check is written against (alarms and cases of the unit)."""
    first, last = quarter_bounds(year, quarter)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    alarms = Alarm.objects.filter(unit=unit, raised_at__gte=since, raised_at__lt=until).aggregate(
        total=Count("pk"),
        red=Count("pk", filter=Q(level=AlarmLevel.RED)),
        yellow=Count("pk", filter=Q(level=AlarmLevel.YELLOW)),
        escalated=Count("pk", filter=Q(escalations__gt=0)),
    )
    cases = Case.objects.filter(owner=unit, started_at__gte=since, started_at__lt=until).aggregate(
        started=Count("pk"),
        refused=Count("pk", filter=Q(state=CaseState.REFUSED)),
        open=Count("pk", filter=Q(state__in=[CaseState.RUNNING, CaseState.SUSPENDED])),
    )
    return {f"alarms_{k}": v for k, v in alarms.items()} | {f"cases_{k}": v for k, v in cases.items()}


@records_refusals
def submit_self_check(
    actor: Actor, *, unit: Organisation, year: int, quarter: int, findings: str, measures: str
) -> SelfCheck:
    """The monitoring centre's quarterly self-check (季度自查), for a quarter that has ended or is ending."""
    standing = monitor_for(actor, unit, "supervision.submit_self_check", unit)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("A quarter is 1 to 4.")
    elif quarter_bounds(year, quarter)[0] > today:
        errors["quarter"] = _("This quarter has not begun.")
    if not findings.strip():
        errors["findings"] = _("Say what the self-check found (or that it found nothing).")
    if not measures.strip():
        errors["measures"] = _("Say what the unit does about it.")
    if not errors and SelfCheck.objects.filter(unit=unit, year=year, quarter=quarter).exists():
        errors["quarter"] = _("This quarter's self-check was already submitted.")
    if errors:
        raise ValidationError(errors)
    assert actor.user is not None
    with transaction.atomic():
        check = SelfCheck.objects.create(
            unit=unit,
            year=year,
            quarter=quarter,
            figures=quarter_figures(unit, year, quarter),
            findings=findings.strip(),
            measures=measures.strip(),
            submitted_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "supervision.submit_self_check",
            check,
            changes={"findings": (None, check.findings), "measures": (None, check.measures)},
            detail={"quarter": f"{year}Q{quarter}", "figures": check.figures},
        )
    return check
