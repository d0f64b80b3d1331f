"""API of the public portal: the case query for the service hall's kiosks and other front ends.

Public (no token), POST so that codes stay out of URLs and logs, throttled per client like the
page: the client is the socket peer, so a kiosk front end behind one proxy shares one limit.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from sunlight.api import Error
from sunlight.portal import throttle
from sunlight.portal.answer import find_answer
from sunlight.portal.lookup import NO_MATCH, throttled_message

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


class ThrottledOut(Schema):
    detail: str
    retry_after: int


@router.post(
    "/portal/case-query",
    response={200: CaseProgressOut, 404: Error, 429: ThrottledOut},
    auth=None,
    summary="A case's progress by its number and query code (public, throttled)",
)
# A case's progress is the applicant's business: no browser or proxy keeps a copy (as the page).
@decorate_view(never_cache)
def case_query(
    request: HttpRequest, body: CaseQueryIn
) -> Status[CaseProgressOut | Error | ThrottledOut] | HttpResponse:
    try:
        answer = find_answer(request, body.number[:32], body.code[:16])
    except throttle.Throttled as exc:
        return Status(
            429, ThrottledOut(detail=throttled_message(exc.retry_after), retry_after=exc.retry_after)
        )
    if answer is None:
        return Status(404, Error(detail=str(NO_MATCH)))
    # Built in CaseProgressOut's shape from typed columns (the tests compare it with the schema's
    # reading); validating it again through the schema cost a tenth of the request. Rendered by
    # the API's own renderer, so the bytes are what ninja would send. (The API is built from
    # this module's router: imported on use.)
    from sunlight.api import api

    return api.create_response(request, answer, status=200)
