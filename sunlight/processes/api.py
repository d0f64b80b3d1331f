"""API for process definitions: list, read, BPMN, save a draft, publish."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Role
from sunlight.processes import actions, bpmn
from sunlight.processes.models import DefinitionState, ProcessDefinition

router = Router(tags=["processes"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION, Role.ADMINISTRATION)


class DefinitionOut(Schema):
    id: int
    code: str
    version: int
    name: str
    unit: str
    power: str
    total_limit: int
    state: DefinitionState

    @staticmethod
    def of(d: ProcessDefinition) -> DefinitionOut:
        return DefinitionOut(
            id=d.pk,
            code=d.code,
            version=d.version,
            name=d.name,
            unit=d.owner.abbr,
            power=d.power_code,
            total_limit=d.total_limit,
            state=DefinitionState(d.state),
        )


class DefinitionDetail(DefinitionOut):
    document: dict[str, Any]


@router.get(
    "/processes", response={200: list[DefinitionOut], **ERRORS}, summary="Process definitions, every version"
)
def definitions(request: HttpRequest) -> list[DefinitionOut]:
    require_role(request, *READERS)
    return [
        DefinitionOut.of(d)
        for d in ProcessDefinition.objects.select_related("owner").order_by("code", "-version")
    ]


@router.get(
    "/processes/{definition_id}",
    response={200: DefinitionDetail, **ERRORS},
    summary="One version and its document",
)
def definition(request: HttpRequest, definition_id: int) -> DefinitionDetail:
    require_role(request, *READERS)
    d = get_object_or_404(ProcessDefinition.objects.select_related("owner"), pk=definition_id)
    return DefinitionDetail(**DefinitionOut.of(d).model_dump(), document=d.document)


@router.get(
    "/processes/{definition_id}/bpmn", response={200: None, **ERRORS}, summary="The version as BPMN 2.0 XML"
)
def export_bpmn(request: HttpRequest, definition_id: int) -> HttpResponse:
    require_role(request, *READERS)
    d = get_object_or_404(ProcessDefinition, pk=definition_id)
    return HttpResponse(bpmn.export(d.document), content_type="application/xml; charset=utf-8")


class DraftIn(Schema):
    document: dict[str, Any]


@router.post(
    "/processes/drafts", response={201: DefinitionOut, **ERRORS}, summary="Check and save a draft (admins)"
)
def save_draft(request: HttpRequest, body: DraftIn) -> Status[DefinitionOut]:
    require_role(request, Role.ADMINISTRATION)
    draft = actions.save_draft(Actor.from_request(request, Channel.API), body.document)
    return Status(201, DefinitionOut.of(draft))


class PublishIn(Schema):
    reason: str = ""


@router.post(
    "/processes/{definition_id}/publish",
    response={200: DefinitionOut, **ERRORS},
    summary="Publish a draft (admins)",
)
def publish(request: HttpRequest, definition_id: int, body: PublishIn) -> DefinitionOut:
    require_role(request, Role.ADMINISTRATION)
    d = get_object_or_404(ProcessDefinition.objects.select_related("owner"), pk=definition_id)
    return DefinitionOut.of(actions.publish(Actor.from_request(request, Channel.API), d, reason=body.reason))
