"""Raising alarms (idempotent on the dedupe key) and every step of their disposal.

Who takes which step, from which state, is the table in `lifecycle.py`; each step here checks
it, writes the alarm and its disposal record, and appends the ledger leaf in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.alarms import letters, lifecycle, recipients
from sunlight.alarms.models import (
    MANUAL_KINDS,
    Accountability,
    Alarm,
    AlarmEvent,
    AlarmKind,
    AlarmLevel,
    AlarmState,
    Transition,
)
from sunlight.documents.actions import issue
from sunlight.documents.models import Document, DocumentKind
from sunlight.ledger.actions import append, object_ref
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.notifications.actions import notify
from sunlight.notifications.models import NotificationKind
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import LEADER_POST_KINDS, Assignment, Organisation, PostKind

log = logging.getLogger("sunlight.alarms")


def raise_alarm(
    actor: Actor,
    *,
    kind: AlarmKind,
    level: AlarmLevel,
    message: str,
    dedupe_key: str,
    unit: Organisation | None = None,
    subject: Model | tuple[str, str | int] | None = None,
    person: User | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[Alarm, bool]:
    """Raise an alarm unless one with this key exists; returns (alarm, created)."""
    existing = Alarm.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    subject_type, subject_id = object_ref(subject) if subject is not None else ("", "")
    stage_due = lifecycle.first_stage_due(level, unit.pk if unit else None)
    try:
        with transaction.atomic():
            alarm = Alarm.objects.create(
                kind=kind,
                level=level,
                message=message,
                dedupe_key=dedupe_key,
                unit=unit,
                subject_type=subject_type,
                subject_id=subject_id,
                person=person,
                detail=detail or {},
                stage_due=stage_due,
            )
            append(
                actor,
                "alarms.raise",
                alarm,
                changes={
                    "kind": (None, kind),
                    "level": (None, level),
                    "unit": (None, unit.code if unit else None),
                },
                detail={"subject": f"{subject_type}:{subject_id}", "message": message},
            )
    except IntegrityError:
        # Raised a moment ago by another process (the unique key decides): not an error.
        return Alarm.objects.get(dedupe_key=dedupe_key), False
    if level == AlarmLevel.SYSTEM:
        log.error("system alarm: %s", message)
    return alarm, True


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm a timer wants raised (the batch form of `raise_alarm`'s arguments)."""

    kind: AlarmKind
    level: AlarmLevel
    message: str
    dedupe_key: str
    unit_id: int | None
    unit_code: str | None
    subject_type: str
    subject_id: str
    detail: dict[str, Any] = field(default_factory=dict)


def raise_many(actor: Actor, specs: list[AlarmSpec], *, today: dt.date) -> int:
    """Raise a batch of alarms in the caller's transaction; returns how many were new.

    One multi-row INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING: the unique key is the
    claim, so of two timer nodes racing for the same alarm exactly one inserts it and writes its
    ledger leaf (on PostgreSQL the other waits for that transaction, then skips the row).
    """
    if not specs:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("raise_many runs inside the timer's transaction")
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    json_cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    row = f"(%s, %s, %s, %s, %s, %s, %s, {json_cast}, %s, %s, %s, 0)"
    params: list[Any] = []
    # The first stage's deadline depends only on the level and today: computed once a batch.
    dues: dict[tuple[str, bool], Any] = {}
    for spec in specs:
        key = (spec.level, spec.unit_id is not None)
        if key not in dues:
            dues[key] = ops.adapt_datefield_value(lifecycle.first_stage_due(spec.level, spec.unit_id, today))
        params += [
            spec.kind,
            spec.level,
            AlarmState.RAISED,
            spec.unit_id,
            spec.subject_type,
            spec.subject_id,
            spec.message,
            json.dumps(spec.detail, ensure_ascii=False),
            spec.dedupe_key,
            now,
            dues[key],
        ]
    table = Alarm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, level, state, unit_id, subject_type, subject_id, message, detail, "  # noqa: S608
            f"dedupe_key, raised_at, stage_due, escalations) VALUES {', '.join([row] * len(specs))} "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key",
            params,
        )
        created = {key: pk for pk, key in cursor.fetchall()}
    for spec in specs:
        pk = created.get(spec.dedupe_key)
        if pk is None:
            continue
        append(
            actor,
            "alarms.raise",
            ("alarms.alarm", pk),
            changes={"kind": (None, spec.kind), "level": (None, spec.level), "unit": (None, spec.unit_code)},
            detail={"subject": f"{spec.subject_type}:{spec.subject_id}", "message": spec.message},
        )
    return len(created)


def _refuse(action: str, message: str, obj: Alarm | Organisation | None, unit_id: int | None) -> Refused:
    return Refused(
        message, action=action, obj=obj if obj is not None else ("alarms.alarm", 0), unit_id=unit_id
    )


@records_refusals
def raise_by_hand(
    actor: Actor, *, kind: str, unit: Organisation | None, message: str, subject: str = ""
) -> Alarm:
    """An inspector (or the unit's monitoring centre) raises one of the municipal situations by hand."""
    user = actor.user
    standing = lifecycle.inspector_standing(user, unit.pk if unit else None)
    if standing is None and unit is not None:
        standing = lifecycle.monitor_standing(user, Alarm(unit=unit))
    if standing is None:
        raise _refuse(
            "alarms.raise_by_hand",
            _(
                "Alarms are raised by hand by the inspectors supervising the unit or by its monitoring centre."
            ),
            unit,
            unit.pk if unit else None,
        )
    errors: dict[str, str] = {}
    if kind not in MANUAL_KINDS:
        errors["kind"] = _("Choose one of the situations.")
    if unit is None:
        errors["unit"] = _("Choose the unit concerned.")
    if not message.strip():
        errors["message"] = _("Describe what happened.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    today = timezone.localdate()
    with transaction.atomic():
        alarm = Alarm.objects.create(
            kind=kind,
            level=AlarmLevel.RED,
            message=message.strip(),
            dedupe_key=f"manual:{uuid.uuid4().hex}",
            unit=unit,
            subject_type="text" if subject.strip() else "",
            subject_id=subject.strip()[:64],
            detail={"raised_by": user.pk if user else None},
            stage_due=lifecycle.first_stage_due(AlarmLevel.RED, unit.pk, today),
        )
        append(
            actor.acting_as(standing),
            "alarms.raise",
            alarm,
            changes={"kind": (None, kind), "level": (None, AlarmLevel.RED), "unit": (None, unit.code)},
            detail={"message": alarm.message, "by_hand": True},
        )
    return alarm


def _link(alarm: Alarm) -> str:
    return reverse("alarms:detail", args=[alarm.pk])


def _take(
    actor: Actor,
    alarm: Alarm,
    transition: Transition,
    *,
    text: str,
    before_commit: Any = None,
) -> tuple[Alarm, Standing, AlarmEvent]:
    """Check the table and the actor, then move the alarm, record the step and append its leaf.

    `before_commit(locked, standing, event)` runs inside the transaction (documents, accountability).
    """
    action = f"alarms.{transition.value}"
    rule = lifecycle.TRANSITIONS[transition]
    standing = lifecycle.standing_for(actor.user, alarm, transition)
    if standing is None:
        who = actor.user.full_name if actor.user else _("the system")
        if rule.party == lifecycle.Party.MONITOR:
            message = _("%(who)s is not the monitoring centre of the unit of this alarm.") % {"who": who}
        else:
            message = _("%(who)s is not an inspector supervising the unit of this alarm.") % {"who": who}
        raise _refuse(action, message, alarm, alarm.unit_id)
    if rule.text_required and not text.strip():
        raise ValidationError(
            {"text": _("This step needs its text (explanation, findings, reasons or reply).")}
        )
    today = timezone.localdate()
    with transaction.atomic():
        locked = Alarm.objects.select_for_update(of=("self",)).select_related("unit").get(pk=alarm.pk)
        if not lifecycle.allowed(locked, transition):
            raise ValidationError(
                _("This alarm is %(state)s: “%(step)s” is not possible now.")
                % {"state": locked.get_state_display(), "step": transition.label}
            )
        before = (locked.state, locked.stage_due)
        locked.state = rule.target
        locked.stage_due = lifecycle.next_stage_due(transition, today)
        if rule.target in (AlarmState.CLOSED, AlarmState.DISMISSED):
            locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "stage_due", "closed_at"])
        event = AlarmEvent.objects.create(
            alarm=locked,
            transition=transition,
            from_state=before[0],
            to_state=locked.state,
            by=actor.user,
            post=standing.post,
            text=text.strip(),
            stage_due=locked.stage_due,
        )
        detail: dict[str, Any] = {}
        if before_commit is not None:
            detail = before_commit(locked, standing, event) or {}
        append(
            actor.acting_as(standing),
            action,
            locked,
            changes={"state": (before[0], locked.state), "stage_due": (before[1], locked.stage_due)},
            reason=text,
            detail=detail,
        )
    return locked, standing, event


def _tell(users: list[User], alarm: Alarm, title: str, *, urgent: bool = False) -> None:
    notify(
        users,
        kind=NotificationKind.ALARM_STAGE,
        title=title,
        body=alarm.message,
        link=_link(alarm),
        email=True,
        text_message=urgent,
    )


@records_refusals
def explain(actor: Actor, alarm: Alarm, *, text: str) -> Alarm:
    """The unit's monitoring centre explains the alarm (情况说明)."""
    locked, _standing, _event = _take(actor, alarm, Transition.EXPLAIN, text=text)
    _tell(
        recipients.inspectors_of(locked.unit_id),
        locked,
        _("An alarm was explained: %(unit)s") % {"unit": locked.unit},
    )
    return locked


@records_refusals
def verify(actor: Actor, alarm: Alarm, *, text: str) -> Alarm:
    """An inspector records what the verification found (核查情况)."""
    locked, _standing, _event = _take(actor, alarm, Transition.VERIFY, text=text)
    return locked


@records_refusals
def dismiss(actor: Actor, alarm: Alarm, *, text: str) -> Alarm:
    """An inspector dismisses the alarm, with reasons (予以了结)."""
    locked, _standing, _event = _take(actor, alarm, Transition.DISMISS, text=text)
    _tell(
        recipients.monitors_of(locked.unit_id),
        locked,
        _("An alarm was dismissed: %(unit)s") % {"unit": locked.unit},
    )
    return locked


@records_refusals
def issue_letter(actor: Actor, alarm: Alarm, *, text: str) -> Alarm:
    """An inspector issues a supervision recommendation letter (监察建议书), sealed by the commission."""

    def seal(locked: Alarm, standing: Standing, event: AlarmEvent) -> dict[str, Any]:
        assert locked.stage_due is not None
        fields, body = letters.recommendation(locked, text, locked.stage_due)
        document = _issue(actor, standing, locked, DocumentKind.RECOMMENDATION, "监察建议书", fields, body)
        locked.letter = document
        locked.save(update_fields=["letter"])
        event.document = document
        event.save(update_fields=["document"])
        return {"document": document.number}

    locked, _standing, _event = _take(actor, alarm, Transition.LETTER, text=text, before_commit=seal)
    people = recipients.monitors_of(locked.unit_id) + recipients.holders_in_unit(
        locked.unit_id, [PostKind.HEAD]
    )
    _tell(
        people,
        locked,
        _("A supervision recommendation letter was issued to %(unit)s") % {"unit": locked.unit},
    )
    return locked


def _issue(
    actor: Actor,
    standing: Standing,
    alarm: Alarm,
    kind: DocumentKind,
    title: str,
    fields: list[tuple[str, str]],
    body: str,
) -> Document:
    commission = standing.post.organisation.unit or standing.post.organisation
    return issue(
        actor.acting_as(standing),
        kind=kind,
        title=title,
        issuer=commission,
        subject=alarm,
        fields=fields,
        body=body,
    )


def _check_people(alarm: Alarm, responsible: Assignment | None, leader: Assignment | None) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    current = Assignment.objects.current(today).filter(post__organisation__unit_id=alarm.unit_id)
    if responsible is None or not current.filter(pk=responsible.pk).exists():
        errors["responsible"] = _("Choose the person directly responsible among the unit's staff.")
    if leader is None or not current.filter(pk=leader.pk, post__kind__in=LEADER_POST_KINDS).exists():
        errors["leader"] = _("Choose the leader in charge among the unit's leaders.")
    if (
        not errors
        and responsible is not None
        and leader is not None
        and responsible.person_id == leader.person_id
    ):
        errors["leader"] = _("The leader in charge is another person than the one directly responsible.")
    if errors:
        raise ValidationError(errors)


@records_refusals
def start_accountability(
    actor: Actor, alarm: Alarm, *, responsible: Assignment | None, leader: Assignment | None, text: str
) -> Accountability:
    """An inspector starts accountability (问责) of the person directly responsible and the leader in charge."""
    if lifecycle.inspector_standing(actor.user, alarm.unit_id) is not None:
        _check_people(alarm, responsible, leader)

    def start(locked: Alarm, standing: Standing, event: AlarmEvent) -> dict[str, Any]:
        assert responsible is not None and leader is not None and actor.user is not None
        procedure = Accountability.objects.create(
            alarm=locked,
            responsible_id=responsible.person_id,
            responsible_post_id=responsible.post_id,
            leader_id=leader.person_id,
            leader_post_id=leader.post_id,
            grounds=text.strip(),
            started_by=actor.user,
        )
        fields, body = letters.accountability_notice(procedure)
        document = _issue(actor, standing, locked, DocumentKind.ACCOUNTABILITY, "问责通知书", fields, body)
        procedure.notice = document
        procedure.save(update_fields=["notice"])
        event.document = document
        event.save(update_fields=["document"])
        return {
            "responsible": {"person": responsible.person_id, "post": responsible.post_id},
            "leader": {"person": leader.person_id, "post": leader.post_id},
            "document": document.number,
        }

    locked, _standing, _event = _take(actor, alarm, Transition.ACCOUNTABILITY, text=text, before_commit=start)
    procedure = Accountability.objects.select_related("responsible", "leader").get(alarm=locked)
    people = [procedure.responsible, procedure.leader, *recipients.monitors_of(locked.unit_id)]
    _tell(people, locked, _("Accountability was started: %(unit)s") % {"unit": locked.unit}, urgent=True)
    return procedure


@records_refusals
def rectify(actor: Actor, alarm: Alarm, *, text: str) -> Alarm:
    """The unit's monitoring centre reports the rectification (整改情况回复)."""
    locked, _standing, _event = _take(actor, alarm, Transition.RECTIFY, text=text)
    _tell(
        recipients.inspectors_of(locked.unit_id),
        locked,
        _("A rectification was reported: %(unit)s") % {"unit": locked.unit},
    )
    return locked


@records_refusals
def close(actor: Actor, alarm: Alarm, *, text: str = "") -> Alarm:
    """An inspector accepts the rectification and closes the alarm (办结)."""
    locked, _standing, _event = _take(actor, alarm, Transition.CLOSE, text=text)
    _tell(
        recipients.monitors_of(locked.unit_id),
        locked,
        _("An alarm was closed: %(unit)s") % {"unit": locked.unit},
    )
    return locked


def resolve_warning(alarm: Alarm) -> bool:
    """A yellow card (预警) whose work was done or whose case concluded needs nobody: closed by
    the system. Red cards are never closed this way; they go through their disposal."""
    if alarm.level != AlarmLevel.YELLOW:
        return False
    with transaction.atomic():
        now = timezone.now()
        # Conditional: a person taking up the warning at this moment keeps it.
        if not Alarm.objects.filter(pk=alarm.pk, state=AlarmState.RAISED).update(
            state=AlarmState.CLOSED, closed_at=now, stage_due=None
        ):
            return False
        AlarmEvent.objects.create(
            alarm=alarm,
            transition=Transition.RESOLVE,
            from_state=AlarmState.RAISED,
            to_state=AlarmState.CLOSED,
            at=now,
        )
        append(
            Actor.system(Channel.TIMER),
            "alarms.resolve",
            alarm,
            changes={"state": (AlarmState.RAISED, AlarmState.CLOSED)},
        )
    return True


def escalate(alarm: Alarm, *, today: dt.date) -> bool:
    """A stage missed its deadline: raise the level, tell the commission, give the stage a new
    deadline (so a stage still missed escalates again). The conditional UPDATE is the claim: of
    two timer nodes, or a timer and a person acting at that moment, one changes the row."""
    new_due = lifecycle.restaged_due(alarm.state, today)
    level = AlarmLevel.RED if alarm.level == AlarmLevel.YELLOW else alarm.level
    with transaction.atomic():
        claimed = Alarm.objects.filter(pk=alarm.pk, state=alarm.state, stage_due=alarm.stage_due).update(
            stage_due=new_due, level=level, escalations=F("escalations") + 1
        )
        if not claimed:
            return False
        locked = Alarm.objects.select_related("unit").get(pk=alarm.pk)
        unit_missed = alarm.state in (AlarmState.RAISED, AlarmState.LETTER, AlarmState.ACCOUNTABILITY)
        with_whom = _("the unit") if unit_missed else _("the inspectors")
        text = _("The stage “%(state)s” was due on %(due)s and is still with %(whom)s.") % {
            "state": alarm.get_state_display(),
            "due": alarm.stage_due,
            "whom": with_whom,
        }
        AlarmEvent.objects.create(
            alarm=locked,
            transition=Transition.ESCALATE,
            from_state=alarm.state,
            to_state=alarm.state,
            text=text,
            stage_due=new_due,
        )
        append(
            Actor.system(Channel.TIMER),
            "alarms.escalate",
            locked,
            changes={
                "stage_due": (alarm.stage_due, new_due),
                "level": (alarm.level, level),
                "escalations": (alarm.escalations, locked.escalations),
            },
            reason=text,
        )
        people = recipients.inspectors_of(locked.unit_id)
        if unit_missed:
            people += recipients.holders_in_unit(locked.unit_id, [PostKind.MONITOR, PostKind.HEAD])
        notify(
            people,
            kind=NotificationKind.ESCALATION,
            title=_("Escalated: %(alarm)s, %(unit)s")
            % {"alarm": locked.get_kind_display(), "unit": locked.unit or "—"},
            body=text,
            link=_link(locked),
            email=True,
            text_message=unit_missed,
        )
    return True
