"""API for alarms: the list a monitoring centre or an inspector may read, and the disposal steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import cast

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from sunlight.accounts.models import User
from sunlight.alarms import actions, lifecycle, queries
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState, Transition
from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, Role

router = Router(tags=["alarms"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
MAX_LIMIT = 500


class AlarmOut(Schema):
    id: int
    kind: AlarmKind
    level: AlarmLevel
    state: AlarmState
    unit: str | None
    message: str
    subject: str
    raised_at: dt.datetime
    stage_due: dt.date | None
    escalations: int
    letter: str | None
    next_steps: list[Transition]


def _out(alarm: Alarm, user: User | None = None) -> AlarmOut:
    return AlarmOut(
        id=alarm.pk,
        kind=AlarmKind(alarm.kind),
        level=AlarmLevel(alarm.level),
        state=AlarmState(alarm.state),
        unit=alarm.unit.code if alarm.unit else None,
        message=alarm.message,
        subject=f"{alarm.subject_type}:{alarm.subject_id}" if alarm.subject_type else "",
        raised_at=alarm.raised_at,
        stage_due=alarm.stage_due,
        escalations=alarm.escalations,
        letter=alarm.letter.number if alarm.letter else None,
        next_steps=lifecycle.available(user, alarm) if user is not None else [],
    )


def _scope(request: HttpRequest) -> queries.Scope:
    require_role(request, Role.MONITORING, Role.SUPERVISION)
    return queries.scope_of(request)


@router.get(
    "/alarms",
    response={200: list[AlarmOut], **ERRORS},
    summary="Alarms of the units you monitor or supervise",
)
def alarm_list(
    request: HttpRequest, state: str = "open", kind: AlarmKind | None = None, limit: int = 100
) -> list[AlarmOut]:
    """`state`: open (default), all, or one state. Newest first, at most `limit` (≤ 500)."""
    alarms = _scope(request).alarms().select_related("unit", "letter")
    if state == "open":
        alarms = alarms.open()
    elif state != "all":
        alarms = alarms.filter(state=state)
    if kind is not None:
        alarms = alarms.filter(kind=kind)
    rows = alarms.order_by("-raised_at", "-pk")[: max(1, min(limit, MAX_LIMIT))]
    return [_out(alarm) for alarm in rows]


def _alarm(request: HttpRequest, pk: int) -> Alarm:
    alarm = _scope(request).alarms().select_related("unit", "letter").filter(pk=pk).first()
    if alarm is None:
        raise Http404
    return alarm


@router.get(
    "/alarms/{int:pk}", response={200: AlarmOut, **ERRORS}, summary="One alarm and the steps you may take"
)
def alarm_detail(request: HttpRequest, pk: int) -> AlarmOut:
    return _out(_alarm(request, pk), cast(User, request.user))


class StepIn(Schema):
    text: str = ""
    # For accountability: the assignments (person at post) of the unit, from GET /orgs… or the page.
    responsible_assignment: int | None = None
    leader_assignment: int | None = None


@router.post(
    "/alarms/{int:pk}/{step}",
    response={200: AlarmOut, **ERRORS},
    summary="Take a step of the disposal: explain, verify, dismiss, letter, accountability, rectify, close",
)
def take_step(request: HttpRequest, pk: int, step: Transition, body: StepIn) -> AlarmOut:
    alarm = _alarm(request, pk)
    if step not in lifecycle.TRANSITIONS:
        raise Http404
    actor = Actor.from_request(request, Channel.API)
    if step == Transition.ACCOUNTABILITY:
        assignments = Assignment.objects.filter(pk__in=[body.responsible_assignment, body.leader_assignment])
        found = {a.pk: a for a in assignments}
        actions.start_accountability(
            actor,
            alarm,
            responsible=found.get(body.responsible_assignment or 0),
            leader=found.get(body.leader_assignment or 0),
            text=body.text,
        )
    else:
        steps: dict[Transition, Callable[..., Alarm]] = {
            Transition.EXPLAIN: actions.explain,
            Transition.VERIFY: actions.verify,
            Transition.DISMISS: actions.dismiss,
            Transition.LETTER: actions.issue_letter,
            Transition.RECTIFY: actions.rectify,
            Transition.CLOSE: actions.close,
        }
        steps[step](actor, alarm, text=body.text)
    return _out(_alarm(request, pk), cast(User, request.user))
