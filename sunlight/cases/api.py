"""API for cases: accept an application, the work list, a case, complete a step, suspend, extend.

The same actions as the pages; integrations (the hall kiosk, mobile devices) and the browser
reach them with a token or the session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.cases import actions, queries
from sunlight.cases.models import Case, Extension, ExtensionState, Step, StepState
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Organisation, Role
from sunlight.processes.models import ProcessDefinition

router = Router(tags=["cases"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class StepOut(Schema):
    id: int
    node: str
    name: str
    stage: str
    unit: str
    state: StepState
    due_date: dt.date
    due_provisional: bool
    completed_at: dt.datetime | None
    decision: str

    @staticmethod
    def of(step: Step) -> StepOut:
        return StepOut(
            id=step.pk,
            node=step.node_id,
            name=step.name,
            stage=step.stage_name,
            unit=step.unit.name,
            state=StepState(step.state),
            due_date=step.due_date,
            due_provisional=step.due_provisional,
            completed_at=step.completed_at,
            decision=step.decision,
        )


class CaseOut(Schema):
    number: str
    subject: str
    process: str
    version: int
    unit: str
    state: str
    applicant: str
    accepted_at: dt.datetime
    due_date: dt.date
    due_provisional: bool
    steps: list[StepOut]

    @staticmethod
    def of(case: Case) -> CaseOut:
        return CaseOut(
            number=case.number,
            subject=case.subject,
            process=case.definition.name,
            version=case.definition.version,
            unit=case.owner.name,
            state=case.state,
            applicant=case.applicant.masked_name,
            accepted_at=case.started_at,
            due_date=case.due_date,
            due_provisional=case.due_provisional,
            steps=[StepOut.of(s) for s in case.steps.select_related("unit").order_by("activated_at", "pk")],
        )


def _readable(request: HttpRequest, number: str) -> Case:
    inspector = Role.SUPERVISION in request_roles(request) and is_verified(request)
    case = queries.readable_cases(_user(request), inspector=inspector).filter(number=number).first()
    if case is None:
        raise Http404
    if inspector:
        appended_atomically(_actor(request), "cases.read", case)
    return cast(Case, case)


class WorkOut(Schema):
    todo: list[StepOut]
    overdue: int
    due_soon: int


@router.get(
    "/cases/work", response={200: WorkOut, **ERRORS}, summary="My work list: steps waiting at my posts"
)
def work(request: HttpRequest) -> WorkOut:
    require_role(request, Role.WORKBENCH)
    lists = queries.worklist(_user(request))
    return WorkOut(
        todo=[StepOut.of(s) for s in lists["todo"]],
        overdue=len(lists["overdue"]),
        due_soon=len(lists["due_soon"]),
    )


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS}, summary="A case I may read, with its steps")
def case_detail(request: HttpRequest, number: str) -> CaseOut:
    require_role(request, Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)
    return CaseOut.of(_readable(request, number))


class ApplicantIn(Schema):
    kind: str
    name: str
    id_number: str
    phone: str = ""


class StartIn(Schema):
    process: str
    subject: str
    applicant: ApplicantIn
    risks_acknowledged: bool
    township: str | None = None


class StartOut(Schema):
    case: CaseOut
    query_code: str


@router.post(
    "/cases", response={201: StartOut, **ERRORS}, summary="Accept an application (clerks at the intake unit)"
)
def start(request: HttpRequest, body: StartIn) -> Status[StartOut]:
    require_role(request, Role.WORKBENCH)
    definition = ProcessDefinition.objects.current(body.process)
    if definition is None:
        raise Http404
    intake = get_object_or_404(Organisation.objects.units(), abbr=body.township) if body.township else None
    from sunlight.cases.prewarning import risk_points

    case, code = actions.start_case(
        _actor(request),
        definition=definition,
        subject=body.subject,
        applicant=actions.ApplicantData(**body.applicant.model_dump()),
        intake=intake,
        acknowledged=body.risks_acknowledged,
        acknowledged_risks=[r.id for r in risk_points(definition)],
    )
    return Status(201, StartOut(case=CaseOut.of(case), query_code=code))


class CompleteIn(Schema):
    values: dict[str, Any] = {}
    decision: str = ""
    reason: str = ""


@router.post(
    "/cases/{number}/steps/{step_id}/complete", response={200: CaseOut, **ERRORS}, summary="Complete a step"
)
def complete(request: HttpRequest, number: str, step_id: int, body: CompleteIn) -> CaseOut:
    require_role(request, Role.WORKBENCH)
    case = _readable(request, number)
    step = get_object_or_404(Step, pk=step_id, case=case)
    node = case.definition.graph.node(step.node_id)
    from sunlight.cases.forms import StepForm

    # The step's fixed form checks the values exactly as the page does.
    form = StepForm(data={**body.values, "decision": body.decision, "reason": body.reason}, node=node)
    if not form.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError({field: errors[0] for field, errors in form.errors.items()})
    actions.complete_step(
        _actor(request),
        step,
        values=form.values(),
        decision=form.cleaned_data.get("decision", ""),
        reason=form.cleaned_data.get("reason", ""),
    )
    case.refresh_from_db()
    return CaseOut.of(case)


class SuspendIn(Schema):
    procedure: str
    reason: str
    notice: str


@router.post(
    "/cases/{number}/suspend",
    response={200: CaseOut, **ERRORS},
    summary="Stop the clock for a special procedure",
)
def suspend(request: HttpRequest, number: str, body: SuspendIn) -> CaseOut:
    require_role(request, Role.WORKBENCH)
    case = _readable(request, number)
    actions.suspend_case(
        _actor(request), case, kind_code=body.procedure, reason=body.reason, notice=body.notice
    )
    return CaseOut.of(case)


@router.post("/cases/{number}/resume", response={200: CaseOut, **ERRORS}, summary="Start the clock again")
def resume(request: HttpRequest, number: str) -> CaseOut:
    require_role(request, Role.WORKBENCH)
    case = _readable(request, number)
    actions.resume_case(_actor(request), case)
    return CaseOut.of(case)


class ExtendIn(Schema):
    days: int
    reason: str
    notice: str


@router.post("/cases/{number}/extensions", response={200: CaseOut, **ERRORS}, summary="Request an extension")
def extend(request: HttpRequest, number: str, body: ExtendIn) -> CaseOut:
    require_role(request, Role.WORKBENCH)
    case = _readable(request, number)
    actions.request_extension(_actor(request), case, days=body.days, reason=body.reason, notice=body.notice)
    return CaseOut.of(case)


class DecideIn(Schema):
    approve: bool
    reason: str = ""


@router.post(
    "/cases/{number}/extensions/{extension_id}",
    response={200: CaseOut, **ERRORS},
    summary="Decide an extension",
)
def decide_extension(request: HttpRequest, number: str, extension_id: int, body: DecideIn) -> CaseOut:
    require_role(request, Role.WORKBENCH)
    case = _readable(request, number)
    extension = get_object_or_404(Extension, pk=extension_id, case=case, state=ExtensionState.REQUESTED)
    actions.decide_extension(_actor(request), extension, approve=body.approve, reason=body.reason)
    case.refresh_from_db()
    return CaseOut.of(case)
