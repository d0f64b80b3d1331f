"""API of the public portal: the case query for the service hall's kiosks and other front ends.

Public (no token), POST so that codes stay out of URLs and logs, throttled per client like the
page: the client is the socket peer, so a kiosk front end behind one proxy shares one limit.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sunlight.api import Error
from sunlight.cases.models import Case, StepState
from sunlight.portal import throttle
from sunlight.portal.lookup import NO_MATCH, find_case, throttled_message

router = Router(tags=["public portal"])


class CaseQueryIn(Schema):
    number: str
    code: str


class StepOut(Schema):
    stage: str
    name: str
    state: str
    due_date: dt.date
    completed_on: dt.date | None


class CaseProgressOut(Schema):
    number: str
    power: str
    power_code: str
    unit: str
    applicant: str
    state: str
    state_label: str
    accepted_on: dt.date
    due_date: dt.date
    due_provisional: bool
    concluded_on: dt.date | None
    result_document: str | None
    steps: list[StepOut]

    @classmethod
    def of(cls, case: Case) -> CaseProgressOut:
        return cls(
            number=case.number,
            power=case.definition.name,
            power_code=case.definition.power_code,
            unit=case.owner.name,
            applicant=case.applicant.masked_name,
            state=case.state,
            state_label=str(case.get_state_display()),
            accepted_on=case.started_at.date(),
            due_date=case.due_date,
            due_provisional=case.due_provisional,
            concluded_on=case.completed_at.date() if case.completed_at else None,
            result_document=case.result_document.number if case.result_document else None,
            steps=[
                StepOut(
                    stage=s.stage_name,
                    name=s.name,
                    state=s.state,
                    due_date=s.due_date,
                    completed_on=s.completed_at.date() if s.completed_at else None,
                )
                for s in case.steps.exclude(state=StepState.CANCELLED).order_by("activated_at", "pk")
            ],
        )


class ThrottledOut(Schema):
    detail: str
    retry_after: int


@router.post(
    "/portal/case-query",
    response={200: CaseProgressOut, 404: Error, 429: ThrottledOut},
    auth=None,
    summary="A case's progress by its number and query code (public, throttled)",
)
def case_query(request: HttpRequest, body: CaseQueryIn) -> Status[CaseProgressOut | Error | ThrottledOut]:
    try:
        case = find_case(request, body.number[:32], body.code[:16])
    except throttle.Throttled as exc:
        return Status(
            429, ThrottledOut(detail=throttled_message(exc.retry_after), retry_after=exc.retry_after)
        )
    if case is None:
        return Status(404, Error(detail=str(NO_MATCH)))
    return Status(200, CaseProgressOut.of(case))
