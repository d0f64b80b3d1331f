"""Every change to a case: start, complete a step, suspend, resume, extend, withdraw.

Authority (S6): a step is done only by a person holding one of its posts at that moment, or
acting under a valid delegation; anything else is refused, recorded and alarmed. The clock:
working days from `sunlight.calendars`, stopped by suspensions.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.calendars.workdays import add_workdays
from sunlight.cases import clock, engine, guards
from sunlight.cases.locks import lock_case
from sunlight.cases.models import (
    Applicant,
    Case,
    CaseState,
    Decision,
    Extension,
    ExtensionState,
    Step,
    StepState,
    Suspension,
)
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.lib import rows
from sunlight.lib.moments import local_date
from sunlight.orgs.authority import PostSet, Standing, roles_of, standing_among, standing_in
from sunlight.orgs.models import Organisation, PostKind, Role
from sunlight.processes.models import DefinitionState, ProcessDefinition
from sunlight.processes.posts import candidate_posts, resolve_unit

# Query codes avoid characters people misread on a receipt (0/O, 1/I/L).
QUERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_LENGTH = 8


@dataclass(frozen=True)
class ApplicantData:
    kind: str
    name: str
    id_number: str
    phone: str = ""


def query_digest(number: str, code: str) -> str:
    return salted_hmac("sunlight.cases.query-code", f"{number}:{code.strip().upper()}").hexdigest()


def query_code_matches(case: Case, code: str) -> bool:
    return code_opens(case.number, case.query_code_digest, case.number, code)


def code_opens(found_number: str | None, digest: str, asked_number: str, code: str) -> bool:
    """Whether `code` opens the case found under `asked_number` (None: no such case), compared
    in constant time. With no case the digest is computed all the same, so that the time taken
    says nothing about whether the number exists."""
    if found_number is None:
        constant_time_compare("", query_digest(asked_number, code))
        return False
    return constant_time_compare(digest, query_digest(found_number, code))


def _applicant(data: ApplicantData) -> Applicant:
    number = data.id_number.strip().upper()
    digest = salted_hmac("sunlight.cases.applicant-id", number).hexdigest()
    masked = number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
    # Hand-written (every application): the ORM's get_or_create took a savepoint and five
    # statements inside the action's transaction. A new applicant is inserted unless someone
    # inserted the same one meanwhile (then found by the second read).
    found = _stored_applicant(digest)
    if found is None:
        created = Applicant(kind=data.kind, name=data.name.strip(), id_digest=digest, id_masked=masked)
        created.phone = data.phone
        inserted = rows.fetchone(
            "INSERT INTO cases_applicant (kind, name, id_digest, id_masked, phone) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (id_digest) DO NOTHING RETURNING id",
            [created.kind, created.name, digest, masked, created.phone],
        )
        if inserted is not None:
            created.pk = inserted[0]
            created._state.adding, created._state.db = False, rows.db().alias
            return created
        found = _stored_applicant(digest)
        assert found is not None
    if data.phone and found.phone != data.phone:
        found.phone = data.phone
        rows.update(Applicant, found.pk, {"phone": data.phone})
    return found


def _stored_applicant(digest: str) -> Applicant | None:
    row = rows.fetchone(
        f"SELECT {rows.columns(Applicant, 'a')} FROM cases_applicant a WHERE a.id_digest = %s",  # noqa: S608
        [digest],
    )
    return rows.instance(Applicant, row) if row is not None else None


def _next_number(unit: Organisation, year: int) -> str:
    # One upsert takes the next number of the unit's year and holds its row until commit.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casecounter (unit_id, year, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, year) DO UPDATE SET last = cases_casecounter.last + 1 RETURNING last",
            [unit.pk, year],
        )
        last = cursor.fetchone()[0]
    return f"{unit.abbr}-{year}-{last:06d}"


def _person(actor: Actor) -> User:
    """The acting person; the authority checks before this have already refused anyone else."""
    assert actor.user is not None
    return actor.user


def _refuse_admins_and_inspectors(user: User, action: str, case_ref: Any, unit_id: int | None) -> None:
    roles = roles_of(user)
    if Role.ADMINISTRATION in roles or Role.SUPERVISION in roles:
        raise Refused(
            _("System administrators and discipline inspectors do not act in cases."),
            action=action,
            obj=case_ref,
            unit_id=unit_id,
        )


def _posts_of(step: Step) -> PostSet:
    """The step's posts as a subquery: the standing is then found in one round trip."""
    # EXISTS, not IN: the step's unique (step, post) index answers it for each of the person's
    # posts, where IN built a temporary table of the step's posts on every completion.
    return PostSet(
        "EXISTS (SELECT 1 FROM cases_step_posts s WHERE s.step_id = %s AND s.post_id = r.post_id)",
        (step.pk,),
    )


def standing_for_step(
    actor: Actor,
    step: Step,
    action: str = "cases.complete_step",
    at: dt.datetime | None = None,
    on: dt.date | None = None,
) -> Standing:
    """The actor's standing in one of the step's posts (now, or at `at` on the local date `on`),
    or a refusal (越权 / 代劳)."""
    user = actor.user
    if user is None:
        raise Refused(
            _("Only a signed-in person can act in a case."),
            action=action,
            obj=step.case,
            unit_id=step.unit_id,
        )
    standing = standing_among(user, _posts_of(step), at, on)
    if standing is not None:
        return standing
    _refuse_admins_and_inspectors(user, action, step.case, step.unit_id)
    names = "、".join(str(p.name) for p in step.posts.all())
    raise Refused(
        _("%(who)s does not hold the post of the step %(step)s (%(posts)s), nor a delegation for it.")
        % {"who": user.full_name, "step": step.name, "posts": names},
        action=action,
        obj=step.case,
        unit_id=step.unit_id,
    )


def _clerk_posts(unit: Organisation) -> PostSet:
    """The unit's active clerk posts, as a subquery of the standing's one query."""
    return PostSet.among(
        "SELECT p.id FROM orgs_post p JOIN orgs_organisation o ON o.id = p.organisation_id "
        "WHERE o.unit_id = %s AND p.kind = %s AND p.is_active",
        (unit.pk, PostKind.CLERK.value),
    )


def accepts_applications(user: User, unit: Organisation) -> bool:
    """Whether the person holds (or acts for) a clerk post of the unit: who opens the start form."""
    return standing_among(user, _clerk_posts(unit)) is not None


def _intake_standing(actor: Actor, unit: Organisation, definition: ProcessDefinition) -> Standing:
    user = actor.user
    if user is None:
        raise Refused(
            _("Only a signed-in person can accept an application."), action="cases.start", obj=definition
        )
    standing = standing_among(user, _clerk_posts(unit))
    if standing is not None:
        return standing
    _refuse_admins_and_inspectors(user, "cases.start", definition, unit.pk)
    raise Refused(
        _("Applications for this process are accepted by the clerks of %(unit)s.") % {"unit": unit.name},
        action="cases.start",
        obj=definition,
        unit_id=unit.pk,
    )


@records_refusals
def start_case(
    actor: Actor,
    *,
    definition: ProcessDefinition,
    subject: str,
    applicant: ApplicantData,
    acknowledged_risks: list[int],
    acknowledged: bool,
    intake: Organisation | None = None,
) -> tuple[Case, str]:
    """Accept an application; returns the case and its query code (printed once on the receipt)."""
    if definition.state != DefinitionState.PUBLISHED:
        raise ValidationError(_("Cases start only on the published version of a process."))
    graph = definition.graph
    if graph.intake == "township":
        if intake is None or intake.kind not in ("township", "subdistrict"):
            raise ValidationError(
                {"intake": _("Choose the township or sub-district where the application is made.")}
            )
        intake_unit = intake
    else:
        intake, intake_unit = None, definition.owner
    standing = _intake_standing(actor, intake_unit, definition)
    # S12: the risk points and red lines are shown before the process starts, and read.
    if not acknowledged:
        raise ValidationError({"acknowledge": _("Read and acknowledge the risk points before accepting.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Give the subject of the application.")})
    code = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_LENGTH))
    now = timezone.now()
    today = local_date(now)
    with transaction.atomic():
        number = _next_number(definition.owner, today.year)
        case = Case(
            number=number,
            definition=definition,
            owner=definition.owner,
            intake=intake,
            applicant=_applicant(applicant),
            subject=subject.strip(),
            started_at=now,
            started_by=actor.user,
            query_code_digest=query_digest(number, code),
            acknowledged_risks=sorted(acknowledged_risks),
        )
        due = add_workdays(today, definition.total_limit)
        case.due_date, case.due_provisional = due.date, due.provisional
        rows.insert([case])  # as save() would, without its per-field passes (no signals either way)
        advance = engine.begin(case, graph, now, today)
        if advance.case_changes:
            rows.update(Case, case.pk, advance.case_changes)
        append(
            actor.acting_as(standing),
            "cases.start",
            case,
            changes={
                "state": (None, case.state),
                "due_date": (None, case.due_date),
                "subject": (None, case.subject),
            },
            detail={
                "definition": f"{definition.code} v{definition.version}",
                "risks_acknowledged": case.acknowledged_risks,
                "applicant": case.applicant_id,
                **advance.as_detail(),
            },
            at=now,
        )
    return case, code


def _checkpoint_detail(
    step: Step, node: Any, values: dict[str, Any], decision: str, today: dt.date
) -> dict[str, Any]:
    """Evaluate the step's electronic checkpoints; a block raises and is recorded by the caller."""
    if not node.checkpoints:
        return {}
    from sunlight.checkpoints.engine import NodeKind, enforce

    context = {
        "case": {"number": step.case.number, "data": step.case.data, "unit": step.case.owner.abbr},
        "form": values,
        "decision": decision,
    }
    # A step that decides is an administrative approval; any other step is a step completion.
    evaluation = enforce(
        NodeKind.ADMINISTRATIVE_APPROVAL if node.decision else NodeKind.STEP_COMPLETION,
        context,
        action="cases.complete_step",
        obj=step.case,
        unit=step.case.owner,
        rule_codes=list(node.checkpoints),
        on=today,
    )
    return {"checkpoints": evaluation.as_ledger_detail()}


@records_refusals
def complete_step(
    actor: Actor, step: Step, *, values: dict[str, Any], decision: str = "", reason: str = ""
) -> Step:
    """Complete a step at its post: exactly once, by someone holding the post, through its checkpoints."""
    # One moment for the whole action: the standing, the step's completion, the steps it opens.
    now = timezone.now()
    today = local_date(now)
    standing = standing_for_step(actor, step, at=now, on=today)
    if decision == Decision.REFUSE and not reason.strip():
        raise ValidationError({"reason": _("A refusal must give its reasons (行政许可法 §38).")})
    with transaction.atomic():
        case, graph = lock_case(step.case_id)
        rows.attach(step, "case", case)  # the same case, now locked
        node = graph.node(step.node_id)
        if node.decision and decision not in Decision.values:
            raise ValidationError({"decision": _("Choose to approve or to refuse.")})
        if case.state == CaseState.SUSPENDED:
            raise ValidationError(_("The clock of this case is suspended; resume it before going on."))
        if case.state != CaseState.RUNNING:
            raise ValidationError(_("This case is concluded."))
        guards.check(case, step, values, decision)
        checked = _checkpoint_detail(step, node, values, decision, today)
        # The conditional UPDATE is the lock: of two people completing at once, one changes
        # the row and the other finds it already done.
        done = rows.update(
            Step,
            step.pk,
            {
                "state": StepState.DONE,
                "completed_at": now,
                "completed_by_id": _person(actor).pk,
                "acted_post_id": standing.post.pk,
                "delegation_id": standing.delegation.pk if standing.delegation else None,
                "decision": decision,
                "reason": reason.strip(),
                "form_data": values,
            },
            where={"state": StepState.ACTIVE},
        )
        if not done:
            step.refresh_from_db()
            who = step.completed_by.full_name if step.completed_by else _("someone else")
            raise ValidationError(_("This step was already completed by %(who)s.") % {"who": who})
        step.state, step.completed_at, step.completed_by = StepState.DONE, now, actor.user
        step.acted_post, step.delegation, step.decision = standing.post, standing.delegation, decision
        step.reason, step.form_data = reason.strip(), values

        case.data = {**case.data, **values, step.node_id: {**values, "decision": decision}}
        context = {"form": values, "data": case.data, "decision": decision}
        advance = engine.after(case, graph, step, context, now, today)
        # The case's data with what the engine changed on it (joins, a conclusion): one UPDATE.
        rows.update(Case, case.pk, {"data": case.data, **advance.case_changes})
        append(
            actor.acting_as(standing),
            "cases.complete_step",
            case,
            changes={f"{step.node_id}.{k}": (None, v) for k, v in values.items()}
            | {f"{step.node_id}.decision": (None, decision)},
            reason=reason,
            detail={
                "step": f"{step.node_id}#{step.iteration}",
                "late": step.due_date < advance.today,
                **advance.as_detail(),
                **checked,
            },
            at=now,
        )
    return step


def _active_standing(actor: Actor, case: Case, action: str) -> Standing:
    steps = list(case.steps.filter(state=StepState.ACTIVE))
    if not steps:
        raise ValidationError(_("This case has no open step."))
    refusal: Refused | None = None
    for step in steps:
        try:
            return standing_for_step(actor, step, action)
        except Refused as exc:
            refusal = exc
    assert refusal is not None
    raise refusal


@records_refusals
def suspend_case(actor: Actor, case: Case, *, kind_code: str, reason: str, notice: str) -> Suspension:
    """Stop the clock for a special procedure of the definition (行政许可法 §45)."""
    standing = _active_standing(actor, case, "cases.suspend")
    kind = case.definition.graph.suspension(kind_code)
    errors: dict[str, str] = {}
    if kind is None:
        errors["kind_code"] = _("This process has no such special procedure.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the suspension.")
    if not notice.strip():
        errors["notice"] = _("Write the notice that tells the applicant.")
    if errors:
        raise ValidationError(errors)
    assert kind is not None
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.RUNNING:
            raise ValidationError(_("Only a running case can be suspended."))
        suspension = Suspension.objects.create(
            case=locked,
            kind_code=kind.code,
            kind_name=kind.name,
            basis=kind.basis,
            reason=reason.strip(),
            notice=notice.strip(),
            started_on=timezone.localdate(),
            started_by=_person(actor),
        )
        locked.state = CaseState.SUSPENDED
        locked.save(update_fields=["state"])
        append(
            actor.acting_as(standing),
            "cases.suspend",
            locked,
            reason=reason,
            changes={"state": (CaseState.RUNNING, CaseState.SUSPENDED)},
            detail={"procedure": kind.code, "basis": kind.basis, "max_days": kind.max_days, "notice": notice},
        )
    case.refresh_from_db()
    return suspension


@records_refusals
def resume_case(actor: Actor, case: Case, *, note: str = "") -> Case:
    """Start the clock again; the suspended days do not count and due dates move accordingly."""
    standing = _active_standing(actor, case, "cases.resume")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.SUSPENDED:
            raise ValidationError(_("This case is not suspended."))
        suspension = locked.suspensions.filter(ended_on__isnull=True).get()
        # The day of resuming counts again; a suspension lifted on its first day stops nothing
        # (its interval is then empty: it ends the day before it started).
        suspension.ended_on = timezone.localdate() - dt.timedelta(days=1)
        suspension.ended_by = actor.user
        suspension.save(update_fields=["ended_on", "ended_by"])
        before = locked.due_date
        locked.state = CaseState.RUNNING
        locked.save(update_fields=["state"])
        clock.recompute(locked)
        append(
            actor.acting_as(standing),
            "cases.resume",
            locked,
            reason=note,
            changes={
                "state": (CaseState.SUSPENDED, CaseState.RUNNING),
                "due_date": (before, locked.due_date),
            },
        )
    case.refresh_from_db()
    return case


@records_refusals
def request_extension(actor: Actor, case: Case, *, days: int, reason: str, notice: str) -> Extension:
    standing = _active_standing(actor, case, "cases.request_extension")
    rule = case.definition.graph.extension
    errors: dict[str, str] = {}
    if rule is None:
        raise ValidationError(_("This process allows no extension."))
    if not 1 <= days <= rule.max_days:
        errors["days"] = _("An extension is between 1 and %(max)d working days.") % {"max": rule.max_days}
    if not reason.strip():
        errors["reason"] = _("Give the reasons for the extension.")
    if not notice.strip():
        errors["notice"] = _("Write the notice that tells the applicant the reasons (行政许可法 §42).")
    if case.extensions.exclude(state=ExtensionState.REFUSED).exists():
        errors["days"] = _("A case may be extended once.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        extension = Extension.objects.create(
            case=case, days=days, reason=reason.strip(), notice=notice.strip(), requested_by=_person(actor)
        )
        append(
            actor.acting_as(standing),
            "cases.request_extension",
            case,
            reason=reason,
            changes={"extension_days": (None, days)},
            detail={"extension": extension.pk},
        )
    return extension


def _approver_standing(actor: Actor, extension: Extension) -> Standing:
    case = extension.case
    rule = case.definition.graph.extension
    assert rule is not None
    unit = resolve_unit(rule.approver, case.owner, case.intake)
    user = actor.user
    if user is not None and unit is not None:
        for post in candidate_posts(rule.approver, unit):
            standing = standing_in(user, post)
            if standing is not None:
                return standing
    raise Refused(
        _("An extension is approved by the %(post)s of %(unit)s.")
        % {"post": PostKind(rule.approver.kind).label, "unit": unit.name if unit else ""},
        action="cases.decide_extension",
        obj=case,
        unit_id=case.owner_id,
    )


@records_refusals
def decide_extension(actor: Actor, extension: Extension, *, approve: bool, reason: str = "") -> Extension:
    standing = _approver_standing(actor, extension)
    if extension.state != ExtensionState.REQUESTED:
        raise ValidationError(_("This extension is already decided."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=extension.case_id)
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        extension.decided_by, extension.decided_at = actor.user, timezone.now()
        extension.save(update_fields=["state", "decided_by", "decided_at"])
        before = case.due_date
        if approve:
            case.extended_days += extension.days
            case.save(update_fields=["extended_days"])
            clock.recompute(case)
        append(
            actor.acting_as(standing),
            "cases.decide_extension",
            case,
            reason=reason,
            changes={
                "extension": (ExtensionState.REQUESTED, extension.state),
                "due_date": (before, case.due_date),
            },
        )
    return extension


@records_refusals
def withdraw_case(actor: Actor, case: Case, *, reason: str) -> Case:
    """The applicant withdraws the application; recorded by a clerk of the unit that accepted it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Record the applicant's reason for withdrawing.")})
    standing = _intake_standing(actor, case.intake or case.owner, case.definition)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise ValidationError(_("This case is concluded."))
        cancelled = list(locked.steps.filter(state=StepState.ACTIVE).values_list("node_id", flat=True))
        locked.steps.filter(state=StepState.ACTIVE).update(
            state=StepState.CANCELLED, completed_at=timezone.now()
        )
        before = locked.state
        locked.state, locked.completed_at = CaseState.WITHDRAWN, timezone.now()
        locked.save(update_fields=["state", "completed_at"])
        append(
            actor.acting_as(standing),
            "cases.withdraw",
            locked,
            reason=reason,
            changes={"state": (before, CaseState.WITHDRAWN)},
            detail={"cancelled": cancelled},
        )
    case.refresh_from_db()
    return case
