"""API of the power list: public reads (the hall kiosk, other portals) and the units' writes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator

from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation, Role
from sunlight.powers import access, actions, excel, search
from sunlight.powers.content import (
    PARTS_PREFETCH,
    AccountabilityData,
    FeeData,
    LegalBasisData,
    MaterialData,
    PowerData,
    SpecialProcedureData,
    content_of,
)
from sunlight.powers.import_views import xlsx_response
from sunlight.powers.models import PowerItem, PowerVersion

router = Router(tags=["power list"])


def _iso_only(value: object) -> object:
    """A date in a query is written YYYY-MM-DD; pydantic alone would also take 0 as 1970-01-01."""
    if isinstance(value, str) and len(value) == 10:
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
STAFF = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


class LegalBasisSchema(Schema):
    kind: str
    law: str
    article: str = ""
    text: str = ""
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None


class SpecialProcedureSchema(Schema):
    name: str
    max_days: int
    basis: str = ""
    counted_in_limit: bool = False


class FeeSchema(Schema):
    name: str
    amount_fen: int | None = None
    standard: str = ""
    basis: str = ""


class MaterialSchema(Schema):
    name: str
    form: str = "original"
    copies: int = 1
    required: bool = True
    sample: str = ""


class AccountabilitySchema(Schema):
    stage: str
    situation: str


class PowerContent(Schema):
    """What a version says (money in integer fen, limits with their unit)."""

    name: str
    category: str
    implementing_body: str
    body_nature: str = "statutory"
    entrusting_body: str = ""
    office: str = ""
    posts: list[str] = []
    exercise_level: str = "district"
    statutory_limit: int | None = None
    statutory_limit_unit: str = "working_days"
    committed_limit: int | None = None
    committed_limit_unit: str = "working_days"
    extension_rule: str = ""
    conditions: str = ""
    result_document: str = ""
    consultation_phone: str = ""
    complaint_phone: str = ""
    service_place: str = ""
    service_hours: str = ""
    visits_needed: int = 1
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    sub_items: list[str] = []
    legal_bases: list[LegalBasisSchema] = []
    special_procedures: list[SpecialProcedureSchema] = []
    fees: list[FeeSchema] = []
    materials: list[MaterialSchema] = []
    accountability: list[AccountabilitySchema] = []

    def to_data(self) -> PowerData:
        raw: dict[str, Any] = self.model_dump(include=set(PowerContent.model_fields))
        return PowerData(
            **{k: v for k, v in raw.items() if not isinstance(v, list)},
            posts=tuple(self.posts),
            sub_items=tuple(self.sub_items),
            legal_bases=tuple(LegalBasisData(**b) for b in raw["legal_bases"]),
            special_procedures=tuple(SpecialProcedureData(**p) for p in raw["special_procedures"]),
            fees=tuple(FeeData(**f) for f in raw["fees"]),
            materials=tuple(MaterialData(**m) for m in raw["materials"]),
            accountability=tuple(AccountabilityData(**a) for a in raw["accountability"]),
        )


class PowerSummary(Schema):
    code: str
    unit: str
    name: str
    category: str
    version: int
    committed_limit: int | None
    committed_limit_unit: str
    url: str

    @staticmethod
    def of(v: PowerVersion) -> PowerSummary:
        return PowerSummary(
            code=v.item.code,
            unit=v.item.unit.name,
            name=v.name,
            category=v.category,
            version=v.number,
            committed_limit=v.committed_limit,
            committed_limit_unit=v.committed_limit_unit,
            url=f"/powers/items/{v.item.code}/",
        )


class PowerDetail(PowerContent):
    code: str
    unit: str
    version: int
    state: str
    published_at: dt.datetime | None
    findings: str

    @staticmethod
    def of_version(v: PowerVersion) -> PowerDetail:
        return PowerDetail(
            **content_of(v).as_dict(),
            code=v.item.code,
            unit=v.item.unit.code,
            version=v.number,
            state=v.state,
            published_at=v.published_at,
            findings=v.findings,
        )


class PowerList(Schema):
    count: int
    items: list[PowerSummary]


@router.get("/powers", response={200: PowerList}, auth=None, summary="The published power list (public)")
def power_list(
    request: HttpRequest,
    q: str = "",
    unit: str = "",
    category: str = "",
    on: IsoDate | None = None,
    limit: int = 50,
    offset: int = 0,
) -> PowerList:
    """Search in Chinese or English (three or more characters use the trigram index)."""
    unit_id = (
        Organisation.objects.units().filter(code=unit).values_list("pk", flat=True).first() if unit else None
    )
    if unit and unit_id is None:
        return PowerList(count=0, items=[])
    found = search.search(q[:100], day=on, unit_id=unit_id, category=category or None).select_related(
        "item__unit"
    )
    window = found[max(0, offset) : max(0, offset) + max(1, min(limit, 200))]
    return PowerList(count=found.count(), items=[PowerSummary.of(v) for v in window])


def _published(code: str, on: dt.date | None) -> PowerVersion:
    versions = PowerVersion.objects.select_related("item__unit", "office").prefetch_related(*PARTS_PREFETCH)
    version = (versions.as_of(on) if on else versions.current()).filter(item__code=code).first()
    if version is None:
        raise Http404
    return version


@router.get(
    "/powers/{code}", response={200: PowerDetail, 404: Error}, auth=None, summary="A power's guide (public)"
)
def power_detail(request: HttpRequest, code: str, on: IsoDate | None = None) -> PowerDetail:
    return PowerDetail.of_version(_published(code, on))


class VersionSummary(Schema):
    id: int
    version: int
    state: str
    valid_from: dt.date
    valid_until: dt.date | None
    published_at: dt.datetime | None


@router.get(
    "/powers/{code}/versions",
    response={200: list[VersionSummary], 404: Error},
    auth=None,
    summary="Published history",
)
def power_versions(request: HttpRequest, code: str) -> list[VersionSummary]:
    item = get_object_or_404(PowerItem, code=code)
    return [
        VersionSummary(
            id=v.pk,
            version=v.number,
            state=v.state,
            valid_from=v.valid_from,
            valid_until=v.valid_until,
            published_at=v.published_at,
        )
        for v in item.versions.published().order_by("-number")
    ]


class PowerIn(PowerContent):
    unit: str
    code: str


def _staff_version(request: HttpRequest, version_id: int) -> PowerVersion:
    require_role(request, *STAFF)
    version = get_object_or_404(
        PowerVersion.objects.select_related("item__unit", "office").prefetch_related(*PARTS_PREFETCH),
        pk=version_id,
    )
    access.require_view(request, version.item.unit)
    return version


@router.post("/powers", response={201: PowerDetail, **ERRORS}, summary="Draft a new power item (the unit)")
def create_power(request: HttpRequest, body: PowerIn) -> Status[PowerDetail]:
    require_role(request, *STAFF)
    unit = get_object_or_404(Organisation.objects.units(), code=body.unit)
    version = actions.create_power(_actor(request), unit, body.code, body.to_data())
    return Status(201, PowerDetail.of_version(_staff_version(request, version.pk)))


@router.get(
    "/powers/versions/{version_id}", response={200: PowerDetail, **ERRORS}, summary="Any version (staff)"
)
def version_detail(request: HttpRequest, version_id: int) -> PowerDetail:
    return PowerDetail.of_version(_staff_version(request, version_id))


@router.put("/powers/versions/{version_id}", response={200: PowerDetail, **ERRORS}, summary="Change a draft")
def update_version(request: HttpRequest, version_id: int, body: PowerContent) -> PowerDetail:
    version = _staff_version(request, version_id)
    actions.update_draft(_actor(request), version, body.to_data())
    return PowerDetail.of_version(_staff_version(request, version_id))


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/powers/versions/{version_id}/submit", response={200: PowerDetail, **ERRORS}, summary="File for review"
)
def submit_version(request: HttpRequest, version_id: int, body: NoteIn) -> PowerDetail:
    actions.submit_version(_actor(request), _staff_version(request, version_id), note=body.note)
    return PowerDetail.of_version(_staff_version(request, version_id))


class FindingsIn(Schema):
    findings: str


@router.post(
    "/powers/versions/{version_id}/return",
    response={200: PowerDetail, **ERRORS},
    summary="Return (commission)",
)
def return_version(request: HttpRequest, version_id: int, body: FindingsIn) -> PowerDetail:
    require_role(request, Role.SUPERVISION)
    actions.return_version(_actor(request), _staff_version(request, version_id), findings=body.findings)
    return PowerDetail.of_version(_staff_version(request, version_id))


@router.post(
    "/powers/versions/{version_id}/approve",
    response={200: PowerDetail, **ERRORS},
    summary="Publish (commission)",
)
def approve_version(request: HttpRequest, version_id: int, body: NoteIn) -> PowerDetail:
    require_role(request, Role.SUPERVISION)
    actions.approve_version(_actor(request), _staff_version(request, version_id), note=body.note)
    return PowerDetail.of_version(_staff_version(request, version_id))


@router.post("/powers/{code}/revise", response={201: PowerDetail, **ERRORS}, summary="Start a new version")
def revise(request: HttpRequest, code: str) -> Status[PowerDetail]:
    require_role(request, *STAFF)
    item = get_object_or_404(PowerItem.objects.select_related("unit"), code=code)
    access.require_view(request, item.unit)
    draft = actions.revise(_actor(request), item)
    return Status(201, PowerDetail.of_version(_staff_version(request, draft.pk)))


class ImportErrorOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class ImportOut(Schema):
    ok: bool
    created: int
    changed: int
    unchanged: int
    errors: list[ImportErrorOut]


@router.post("/powers/import", response={200: ImportOut, **ERRORS}, summary="Import the power list workbook")
def import_powers(request: HttpRequest, file: File[UploadedFile]) -> ImportOut:
    require_role(request, *STAFF)
    report = excel.import_workbook(Actor.from_request(request, Channel.API), file)
    return ImportOut(**report.as_dict())


@router.get(
    "/powers/export/{unit}", response={200: None, **ERRORS}, summary="Export a unit's list (workbook)"
)
def export_powers(request: HttpRequest, unit: str) -> HttpResponse:
    require_role(request, *STAFF)
    found = get_object_or_404(Organisation.objects.units(), code=unit)
    access.require_view(request, found)
    appended_atomically(_actor(request), "powers.export", ("orgs.organisation", found.pk))
    return xlsx_response(
        excel.export_workbook(excel.latest_versions([found.pk])), f"sunlight-powers-{found.abbr}"
    )
