"""Site supervision API: a project's sites and cameras; my inspections; check in with a photo.

A device or the mobile page first uploads the check-in photo as evidence without a case
(`POST /evidence/uploads` …, see the enforcement API), then checks in with its id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import StrictInt

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.cases.queries import acting_post_ids
from sunlight.enforcement.models import Evidence
from sunlight.funds import authority as fund_authority
from sunlight.funds.models import Project
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Role
from sunlight.sites import actions
from sunlight.sites.models import ProjectSite, ScheduledVisit

router = Router(tags=["sites"])
ERRORS: dict[int, Any] = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


class CameraOut(Schema):
    id: int
    name: str
    stream_url: str
    protocol: str
    registered_at: dt.datetime


class SiteOut(Schema):
    id: int
    name: str
    address: str
    latitude: Decimal
    longitude: Decimal
    radius_m: int
    cameras: list[CameraOut]


class ProjectSitesOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    sites: list[SiteOut]


class VisitOut(Schema):
    id: int
    site: int
    site_name: str
    project: str
    post: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str


class CheckInIn(Schema):
    evidence: StrictInt
    note: str = ""


class CheckInOut(Schema):
    id: int
    visit: int
    distance_m: int
    photo_sha256: str
    checked_in_at: dt.datetime


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/sites/projects/{pk}", response={200: ProjectSitesOut, **ERRORS})
def project_sites(request: HttpRequest, pk: int) -> dict[str, Any]:
    """A project's sites with their cameras (for the unit, its monitoring centre and inspectors)."""
    require_role(request, Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)
    inspector = Role.SUPERVISION in request_roles(request) and is_verified(request)
    units = fund_authority.readable_unit_ids(_user(request), verified=inspector)
    project = get_object_or_404(Project.objects.select_related("unit"), pk=pk)
    if units is not None and project.unit_id not in units:
        raise Http404
    if inspector:
        appended_atomically(Actor.from_request(request, Channel.API), "sites.read", project)
    sites = ProjectSite.objects.filter(project=project).prefetch_related("cameras").order_by("name")
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "unit": project.unit.name,
        "sites": [
            {
                "id": s.pk,
                "name": s.name,
                "address": s.address,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "radius_m": s.radius_m,
                "cameras": [
                    {
                        "id": c.pk,
                        "name": c.name,
                        "stream_url": c.stream_url,
                        "protocol": c.protocol,
                        "registered_at": c.registered_at,
                    }
                    for c in s.cameras.all()
                    if c.active
                ],
            }
            for s in sites
        ],
    }


def _visit_out(visit: ScheduledVisit) -> dict[str, Any]:
    site = visit.schedule.site
    return {
        "id": visit.pk,
        "site": site.pk,
        "site_name": site.name,
        "project": site.project.code,
        "post": str(visit.schedule.post),
        "starts_at": visit.starts_at,
        "ends_at": visit.ends_at,
        "state": visit.state,
    }


@router.get("/sites/visits", response={200: list[VisitOut], **ERRORS})
def my_visits(request: HttpRequest) -> list[dict[str, Any]]:
    """Inspections due at the posts the caller acts in."""
    require_role(request, Role.WORKBENCH, Role.SUPERVISION)
    visits = (
        ScheduledVisit.objects.due()
        .filter(schedule__post_id__in=acting_post_ids(_user(request)))
        .select_related("schedule__site__project", "schedule__post")
        .order_by("starts_at")[:200]
    )
    return [_visit_out(v) for v in visits]


@router.post("/sites/visits/{pk}/check-in", response={201: CheckInOut, **ERRORS})
def check_in(request: HttpRequest, pk: int, payload: CheckInIn) -> Status[Any]:
    """Check in with a photo uploaded as evidence (no case) by the caller, at the site, in the window."""
    require_role(request, Role.WORKBENCH, Role.SUPERVISION)
    visit = get_object_or_404(
        ScheduledVisit.objects.select_related("schedule__site", "schedule__post"), pk=pk
    )
    photo = get_object_or_404(Evidence.objects.filter(uploaded_by=_user(request)), pk=payload.evidence)
    done = actions.check_in(Actor.from_request(request, Channel.API), visit, photo=photo, note=payload.note)
    return Status(
        201,
        {
            "id": done.pk,
            "visit": visit.pk,
            "distance_m": done.distance_m,
            "photo_sha256": photo.sha256,
            "checked_in_at": done.checked_in_at,
        },
    )
