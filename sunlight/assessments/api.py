"""API for the assessment and the dashboards: the published results (public), a quarter's
results with every indicator (the commission and administrators), computing a quarter (an
inspector), and the district dashboard's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.assessments import access, actions, dashboards
from sunlight.assessments.models import Assessment, Score
from sunlight.assessments.periods import Quarter
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import authority
from sunlight.orgs.models import Role

router = Router(tags=["assessments"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


class IndicatorScoreOut(Schema):
    indicator: str
    value: int | None
    numerator: int
    denominator: int
    weight: int
    points_centi: int | None


class UnitAssessmentOut(Schema):
    unit: str
    unit_name: str
    year: int
    quarter: int
    as_of: dt.date
    state: str
    total_centi: int
    grade: str
    rank: int
    scores: list[IndicatorScoreOut] = []


class PublishedResultOut(Schema):
    year: int
    quarter: int
    unit_name: str
    total_centi: int
    grade: str
    rank: int


def _quarter(year: int, quarter: int) -> Quarter:
    if not 1 <= quarter <= 4 or not 2016 <= year <= 2100:
        raise Http404
    return Quarter(year, quarter)


def _out(assessment: Assessment, scores: list[Score]) -> UnitAssessmentOut:
    return UnitAssessmentOut(
        unit=assessment.unit.code,
        unit_name=assessment.unit.name,
        year=assessment.year,
        quarter=assessment.quarter,
        as_of=assessment.as_of,
        state=assessment.state,
        total_centi=assessment.total_centi,
        grade=assessment.grade,
        rank=assessment.rank,
        scores=[
            IndicatorScoreOut(
                indicator=s.indicator,
                value=s.value,
                numerator=s.numerator,
                denominator=s.denominator,
                weight=s.weight,
                points_centi=s.points_centi,
            )
            for s in scores
        ],
    )


@router.get(
    "/assessments/published", auth=None, response={200: list[PublishedResultOut]}, summary="Published results"
)
def published(request: HttpRequest) -> list[PublishedResultOut]:
    """Every published quarter: ranks, totals (hundredths of a point) and grades. No sign-in."""
    return [
        PublishedResultOut(
            year=a.year,
            quarter=a.quarter,
            unit_name=a.unit.name,
            total_centi=a.total_centi,
            grade=a.grade,
            rank=a.rank,
        )
        for a in Assessment.objects.published().select_related("unit").order_by("-year", "-quarter", "rank")
    ]


@router.get(
    "/assessments/{year}/{quarter}",
    response={200: list[UnitAssessmentOut], **ERRORS},
    summary="A quarter's results",
)
def quarter_results(request: HttpRequest, year: int, quarter: int) -> list[UnitAssessmentOut]:
    """Every unit's assessment with its indicators (inspectors: their jurisdiction; administrators: all)."""
    held = require_role(request, Role.SUPERVISION, Role.ADMINISTRATION)
    period = _quarter(year, quarter)
    found = list(Assessment.objects.of_quarter(period.year, period.number).ranked())
    if Role.SUPERVISION in held:
        units = authority.supervised_unit_ids(cast(User, request.user))
        found = [a for a in found if units is None or a.unit_id in units]
    scores: dict[int, list[Score]] = {}
    for score in Score.objects.filter(assessment__in=found).order_by("pk"):
        scores.setdefault(score.assessment_id, []).append(score)
    return [_out(a, scores.get(a.pk, [])) for a in found]


@router.post(
    "/assessments/{year}/{quarter}/compute",
    response={200: list[UnitAssessmentOut], **ERRORS},
    summary="Compute a quarter",
)
def compute(request: HttpRequest, year: int, quarter: int) -> list[UnitAssessmentOut]:
    """Compute (or recompute) the quarter's drafts; needs an inspector of the whole district."""
    require_role(request, Role.SUPERVISION)
    done = actions.compute_quarter(Actor.from_request(request, Channel.API), _quarter(year, quarter))
    return [_out(a, []) for a in sorted(done, key=lambda a: (a.rank, a.unit.sort))]


class DistrictDashboardOut(Schema):
    start: dt.date
    end: dt.date
    cases: dict[str, int]
    open_now: dict[str, int]
    on_time_bp: int | None
    satisfaction_bp: int | None
    funds: dict[str, int]
    alarms: list[dict[str, Any]]
    ratings: list[dict[str, Any]]


@router.get(
    "/dashboards/district",
    response={200: DistrictDashboardOut, **ERRORS},
    summary="District dashboard figures",
)
def district(
    request: HttpRequest,
    quarter: str = "",
    start: str = "",
    end: str = "",
    unit: str = "",
    category: str = "",
) -> DistrictDashboardOut:
    """The district dashboard's figures over the caller's jurisdiction (same filters as the page)."""
    require_role(request, Role.SUPERVISION, Role.WORKBENCH)
    allowed, scope = access.district_scope(cast(User, request.user))
    if not allowed:
        raise PermissionDenied(_("The district dashboard is for inspectors and the district's leaders."))
    params = {"quarter": quarter, "from": start, "to": end, "unit": unit, "category": category}
    filters, _problems = dashboards.parse_filters(params, scope)
    board = dashboards.build(filters, scope, full=True)
    return DistrictDashboardOut(
        start=filters.start,
        end=filters.end,
        cases=board.cases,
        open_now=board.open_now,
        on_time_bp=board.on_time_bp,
        satisfaction_bp=board.satisfaction_bp,
        funds=board.funds_total,
        alarms=board.alarms,
        ratings=[{"grade": r["grade"], "count": r["count"]} for r in board.ratings],
    )
