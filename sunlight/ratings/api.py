"""API of service ratings: the published satisfaction, and rating a case (public)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sunlight.api import Error, FieldErrors
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.portal import throttle
from sunlight.portal.api import ThrottledOut
from sunlight.portal.lookup import NO_MATCH, find_case, throttled_message
from sunlight.ratings import actions, queries
from sunlight.ratings.models import RatingChannel

router = Router(tags=["service ratings"])


class SatisfactionOut(Schema):
    key: str
    name: str
    unit: str
    total: int
    counts: dict[int, int]
    satisfaction_percent: int | None


class PublishedOut(Schema):
    units: list[SatisfactionOut]
    items: list[SatisfactionOut]


def _out(row: queries.Satisfaction) -> SatisfactionOut:
    return SatisfactionOut(
        key=row.key,
        name=row.name,
        unit=row.unit_name or row.name,
        total=row.total,
        counts=dict(row.grades_by_value()),
        satisfaction_percent=row.rate,
    )


@router.get(
    "/ratings/satisfaction", response={200: PublishedOut}, auth=None, summary="Published satisfaction"
)
def satisfaction(request: HttpRequest) -> PublishedOut:
    """Counts per grade (5 very satisfied … 1 very dissatisfied) per unit and per power item."""
    return PublishedOut(
        units=[_out(r) for r in queries.satisfaction_by_unit()],
        items=[_out(r) for r in queries.satisfaction_by_item()],
    )


class RateIn(Schema):
    number: str
    code: str
    grade: int
    comment: str = ""


class RatingOut(Schema):
    case: str
    grade: int
    round: int
    callback_due: str | None
    rectification_due: str | None


@router.post(
    "/ratings",
    response={201: RatingOut, 400: FieldErrors, 404: Error, 429: ThrottledOut},
    auth=None,
    summary="Rate a concluded case with its query code (public, throttled)",
)
def rate(request: HttpRequest, body: RateIn) -> Status[RatingOut | Error | ThrottledOut]:
    try:
        case = find_case(request, body.number[:32], body.code[:16])
    except throttle.Throttled as exc:
        return Status(
            429, ThrottledOut(detail=throttled_message(exc.retry_after), retry_after=exc.retry_after)
        )
    if case is None:
        return Status(404, Error(detail=str(NO_MATCH)))
    # A ValidationError becomes the API's 400 with field errors (sunlight.api).
    rating = actions.rate(
        Actor.system(Channel.API),
        case,
        code=body.code,
        grade=body.grade,
        comment=body.comment,
        channel=RatingChannel.API,
    )
    callback = getattr(rating, "callback", None)
    rectification = getattr(rating, "rectification", None)
    return Status(
        201,
        RatingOut(
            case=case.number,
            grade=rating.grade,
            round=rating.round,
            callback_due=callback.due_date.isoformat() if callback else None,
            rectification_due=rectification.due_date.isoformat() if rectification else None,
        ),
    )
