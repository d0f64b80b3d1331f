"""API of the risk register and control plans; the same actions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation, Role
from sunlight.powers import access
from sunlight.powers.api import ImportOut
from sunlight.powers.import_views import xlsx_response
from sunlight.risks import actions, coverage, excel, plans, stats
from sunlight.risks.content import MeasureData, Prompt, RiskPointData, measure_data, point_data
from sunlight.risks.models import ControlMeasure, ControlPlan, RiskPoint

router = Router(tags=["risk register"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
STAFF = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


def _unit(request: HttpRequest, code: str) -> Organisation:
    require_role(request, *STAFF)
    unit = get_object_or_404(Organisation.objects.units(), code=code)
    access.require_view(request, unit)
    return unit


class MeasureSchema(Schema):
    description: str
    kind: str = "institutional"
    owner: str
    due_date: dt.date | None = None
    status: str = "planned"
    evidence: str = ""
    cadence: str = "quarterly"
    next_review: dt.date | None = None

    def to_data(self) -> MeasureData:
        return MeasureData(**self.model_dump(include=set(MeasureSchema.model_fields)))


class MeasureOut(MeasureSchema):
    id: int
    number: int
    last_reviewed_on: dt.date | None

    @staticmethod
    def of(m: ControlMeasure) -> MeasureOut:
        return MeasureOut(
            **measure_data(m).as_dict(), id=m.pk, number=m.number, last_reviewed_on=m.last_reviewed_on
        )


class RiskPointSchema(Schema):
    description: str
    kind: str = "risk_point"
    level: str = "medium"
    power: str = ""
    step: str = ""
    post: str = ""
    domains: list[str] = []
    red_line: str = ""
    consequence: str = ""
    is_public: bool = True

    def to_data(self) -> RiskPointData:
        raw: dict[str, Any] = self.model_dump(include=set(RiskPointSchema.model_fields))
        return RiskPointData(**raw | {"domains": tuple(self.domains)})


class RiskPointOut(RiskPointSchema):
    code: str
    unit: str
    state: str
    measures: list[MeasureOut]

    @staticmethod
    def of(p: RiskPoint) -> RiskPointOut:
        data = point_data(p).as_dict() | {"domains": list(p.domains)}
        return RiskPointOut(
            **data,
            code=p.code,
            unit=p.unit.code,
            state=p.state,
            measures=[MeasureOut.of(m) for m in p.measures.select_related("owner").order_by("number")],
        )


class RiskPointIn(RiskPointSchema):
    unit: str
    code: str = ""
    measures: list[MeasureSchema] = []


class RevisionIn(RiskPointSchema):
    prompt: str = "self_check"
    source: str = ""
    reference: str = ""
    note: str = ""


def _point(request: HttpRequest, code: str) -> RiskPoint:
    require_role(request, *STAFF)
    point = get_object_or_404(RiskPoint.objects.select_related("unit", "power", "post"), code=code)
    access.require_view(request, point.unit)
    return point


@router.get(
    "/risks/points", response={200: list[RiskPointOut], **ERRORS}, summary="A unit's register (staff)"
)
def risk_points(request: HttpRequest, unit: str) -> list[RiskPointOut]:
    found = _unit(request, unit)
    return [
        RiskPointOut.of(p)
        for p in RiskPoint.objects.active().of_unit(found.pk).select_related("unit", "power", "post")[:2000]
    ]


@router.post("/risks/points", response={201: RiskPointOut, **ERRORS}, summary="Add a risk point (the unit)")
def create_point(request: HttpRequest, body: RiskPointIn) -> Status[RiskPointOut]:
    unit = _unit(request, body.unit)
    point = actions.create_risk_point(
        _actor(request), unit, body.to_data(), code=body.code, measures=[m.to_data() for m in body.measures]
    )
    return Status(201, RiskPointOut.of(_point(request, point.code)))


@router.put(
    "/risks/points/{code}", response={200: RiskPointOut, **ERRORS}, summary="Revise, saying what prompted it"
)
def revise_point(request: HttpRequest, code: str, body: RevisionIn) -> RiskPointOut:
    point = _point(request, code)
    prompt = Prompt(kind=body.prompt, source=body.source, reference=body.reference, note=body.note)
    actions.update_risk_point(_actor(request), point, body.to_data(), prompt=prompt)
    return RiskPointOut.of(_point(request, code))


@router.post("/risks/points/{code}/measures", response={201: MeasureOut, **ERRORS}, summary="Add a measure")
def add_measure(request: HttpRequest, code: str, body: MeasureSchema) -> Status[MeasureOut]:
    measure = actions.add_measure(_actor(request), _point(request, code), body.to_data())
    return Status(201, MeasureOut.of(measure))


class ReviewIn(Schema):
    note: str
    effective: bool = True


@router.post(
    "/risks/measures/{measure_id}/review", response={200: MeasureOut, **ERRORS}, summary="Record a review"
)
def review_measure(request: HttpRequest, measure_id: int, body: ReviewIn) -> MeasureOut:
    require_role(request, *STAFF)
    measure = get_object_or_404(
        ControlMeasure.objects.select_related("risk_point__unit", "owner"), pk=measure_id
    )
    access.require_view(request, measure.risk_point.unit)
    return MeasureOut.of(
        actions.review_measure(_actor(request), measure, note=body.note, effective=body.effective)
    )


class GapsOut(Schema):
    powers_without_risk: list[str]
    high_without_measure: list[str]
    measures_past_review: list[str]


@router.get("/risks/coverage", response={200: GapsOut, **ERRORS}, summary="A unit's coverage gaps")
def gaps(request: HttpRequest, unit: str) -> GapsOut:
    found = coverage.gaps(_unit(request, unit).pk)
    return GapsOut(
        powers_without_risk=[v.item.code for v in found.powers_without_risk],
        high_without_measure=[p.code for p in found.high_without_measure],
        measures_past_review=[m.ref for m in found.measures_past_review],
    )


class FindingSchema(Schema):
    kind: str
    text: str
    power: str = ""
    post: str = ""
    risk_point: str = ""


class PlanOut(Schema):
    id: int
    unit: str
    number: int
    title: str
    state: str
    round: int
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    findings: list[FindingSchema]

    @staticmethod
    def of(plan: ControlPlan) -> PlanOut:
        return PlanOut(
            id=plan.pk,
            unit=plan.unit.code,
            number=plan.number,
            title=plan.title,
            state=plan.state,
            round=plan.round,
            submitted_at=plan.submitted_at,
            approved_at=plan.approved_at,
            findings=[
                FindingSchema(
                    kind=f.kind,
                    text=f.text,
                    power=f.power.code if f.power else "",
                    post=f.post.code if f.post else "",
                    risk_point=f.risk_point.code if f.risk_point else "",
                )
                for f in plan.findings.select_related("power", "post", "risk_point")
            ],
        )


def _plan(request: HttpRequest, plan_id: int) -> ControlPlan:
    require_role(request, *STAFF)
    plan = get_object_or_404(ControlPlan.objects.select_related("unit"), pk=plan_id)
    access.require_view(request, plan.unit)
    return plan


@router.get("/risks/plans", response={200: list[PlanOut], **ERRORS}, summary="A unit's control plans")
def plan_list(request: HttpRequest, unit: str) -> list[PlanOut]:
    found = _unit(request, unit)
    return [PlanOut.of(p) for p in found.control_plans.select_related("unit").order_by("-number")]


class PlanIn(Schema):
    unit: str
    title: str


@router.post("/risks/plans", response={201: PlanOut, **ERRORS}, summary="Start a control plan (the unit)")
def create_plan(request: HttpRequest, body: PlanIn) -> Status[PlanOut]:
    plan = plans.create_plan(_actor(request), _unit(request, body.unit), title=body.title)
    return Status(201, PlanOut.of(plan))


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/risks/plans/{plan_id}/submit", response={200: PlanOut, **ERRORS}, summary="File with the commission"
)
def submit_plan(request: HttpRequest, plan_id: int, body: NoteIn) -> PlanOut:
    return PlanOut.of(plans.submit_plan(_actor(request), _plan(request, plan_id), note=body.note))


class ReturnIn(Schema):
    findings: list[FindingSchema]


@router.post(
    "/risks/plans/{plan_id}/return", response={200: PlanOut, **ERRORS}, summary="Return (commission)"
)
def return_plan(request: HttpRequest, plan_id: int, body: ReturnIn) -> PlanOut:
    require_role(request, Role.SUPERVISION)
    findings = [plans.FindingData(**f.model_dump()) for f in body.findings]
    return PlanOut.of(plans.return_plan(_actor(request), _plan(request, plan_id), findings=findings))


@router.post(
    "/risks/plans/{plan_id}/approve", response={200: PlanOut, **ERRORS}, summary="Approve (commission)"
)
def approve_plan(request: HttpRequest, plan_id: int, body: NoteIn) -> PlanOut:
    require_role(request, Role.SUPERVISION)
    return PlanOut.of(plans.approve_plan(_actor(request), _plan(request, plan_id), note=body.note))


class StatLine(Schema):
    label: str
    powers: int
    risk_points: int
    high: int
    medium: int
    low: int
    measures: int
    diagrams: int | None


class StatisticsOut(Schema):
    total: StatLine
    units: list[StatLine]
    categories: list[StatLine]
    levels: list[StatLine]


@router.get(
    "/risks/statistics", response={200: StatisticsOut}, auth=None, summary="District figures (public)"
)
def statistics(request: HttpRequest) -> StatisticsOut:
    figures = stats.statistics()

    def line(x: stats.Line) -> StatLine:
        return StatLine(**vars(x))

    return StatisticsOut(
        total=line(figures.total),
        units=[line(x) for x in figures.units],
        categories=[line(x) for x in figures.categories],
        levels=[line(x) for x in figures.levels],
    )


@router.post(
    "/risks/import", response={200: ImportOut, **ERRORS}, summary="Import the risk register workbook"
)
def import_register(request: HttpRequest, file: File[UploadedFile]) -> ImportOut:
    require_role(request, *STAFF)
    return ImportOut(**excel.import_workbook(Actor.from_request(request, Channel.API), file).as_dict())


@router.get(
    "/risks/export/{unit}", response={200: None, **ERRORS}, summary="Export a unit's register (workbook)"
)
def export_register(request: HttpRequest, unit: str) -> HttpResponse:
    found = _unit(request, unit)
    appended_atomically(_actor(request), "risks.export", ("orgs.organisation", found.pk))
    return xlsx_response(
        excel.export_workbook(excel.register_points([found.pk])), f"sunlight-risks-{found.abbr}"
    )
