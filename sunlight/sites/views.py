"""Site pages: projects with their sites and cameras (for inspectors too), schedules and check-ins."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.cases.queries import acting_post_ids
from sunlight.enforcement import actions as evidence_actions
from sunlight.enforcement.models import HashSource
from sunlight.funds import authority as fund_authority
from sunlight.funds.models import FundRole, Project
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import BUSINESS_POST_KINDS, Post, PostKind, Role
from sunlight.sites import actions
from sunlight.sites.forms import CameraForm, CheckInForm, ScheduleForm, SiteForm
from sunlight.sites.models import Camera, CheckIn, InspectionSchedule, ProjectSite, ScheduledVisit

READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def is_inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def readable_units(request: HttpRequest) -> set[int] | None:
    return fund_authority.readable_unit_ids(_user(request), verified=is_inspector(request))


def my_visits(user: User) -> list[ScheduledVisit]:
    """Inspections due at the posts this person acts in, the open ones first."""
    return list(
        ScheduledVisit.objects.due()
        .filter(schedule__post_id__in=acting_post_ids(user))
        .select_related("schedule__site__project", "schedule__post")
        .order_by("starts_at")[:100]
    )


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    units = readable_units(request)
    projects = Project.objects.for_units(units).select_related("unit").annotate(site_count=Count("sites"))
    return render(
        request,
        "sites/index.html",
        {"projects": projects[:300], "visits": my_visits(_user(request)), "now": timezone.now()},
    )


def readable_project(request: HttpRequest, pk: int) -> Project:
    """The project if this person may read it; an inspector's read is recorded (S15)."""
    project = get_object_or_404(Project.objects.select_related("unit"), pk=pk)
    units = readable_units(request)
    if units is not None and project.unit_id not in units:
        raise Http404
    if is_inspector(request):
        appended_atomically(Actor.from_request(request), "sites.read", project)
    return project


def _schedulable_posts(request: HttpRequest, project: Project, manager: bool) -> Any:
    posts = Post.objects.none()
    if manager:
        posts = Post.objects.active().filter(organisation__unit=project.unit, kind__in=BUSINESS_POST_KINDS)
    if is_inspector(request):
        posts = posts | Post.objects.active().filter(kind=PostKind.INSPECTOR)
    return posts.select_related("organisation").order_by("code")


@role_required(*READERS)
def project_sites(request: HttpRequest, pk: int) -> HttpResponse:
    project = readable_project(request, pk)
    manager = FundRole.PROJECT_MANAGER in fund_authority.roles_in(_user(request), project.unit)
    sites = (
        ProjectSite.objects.filter(project=project)
        .prefetch_related(
            Prefetch("cameras", queryset=Camera.objects.filter(active=True).select_related("registered_by")),
            Prefetch("schedules", queryset=InspectionSchedule.objects.select_related("post")),
            Prefetch(
                "schedules__visits",
                queryset=ScheduledVisit.objects.select_related("check_in__inspector", "check_in__photo"),
            ),
        )
        .order_by("name")
    )
    posts = _schedulable_posts(request, project, manager)
    return render(
        request,
        "sites/project.html",
        {
            "project": project,
            "sites": sites,
            "manager": manager,
            "site_form": SiteForm() if manager else None,
            "camera_form": CameraForm() if manager else None,
            "schedule_form": ScheduleForm(posts=posts) if posts.exists() else None,
            "check_ins": recent_check_ins(project),
        },
    )


def _post_form(request: HttpRequest, project: Project, form: Any, run: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            run(Actor.from_request(request), form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("sites:project", pk=project.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("sites:project", pk=project.pk)


@role_required(Role.WORKBENCH)
@require_POST
def add_site(request: HttpRequest, pk: int) -> HttpResponse:
    project = readable_project(request, pk)
    return _post_form(
        request,
        project,
        SiteForm(request.POST),
        lambda actor, data: actions.add_site(actor, project, **data),
        _("The site is registered."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def add_camera(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(ProjectSite.objects.select_related("project__unit"), pk=pk)
    project = readable_project(request, site.project_id)
    return _post_form(
        request,
        project,
        CameraForm(request.POST),
        lambda actor, data: actions.register_camera(actor, site, **data),
        _("The camera is registered."),
    )


@role_required(Role.WORKBENCH, Role.SUPERVISION)
@require_POST
def add_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(ProjectSite.objects.select_related("project__unit"), pk=pk)
    project = readable_project(request, site.project_id)
    manager = FundRole.PROJECT_MANAGER in fund_authority.roles_in(_user(request), project.unit)
    form = ScheduleForm(request.POST, posts=_schedulable_posts(request, project, manager))
    return _post_form(
        request,
        project,
        form,
        lambda actor, data: actions.schedule_inspections(actor, site, **data),
        _("The inspections are scheduled."),
    )


@role_required(Role.WORKBENCH, Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Check in at the site: a photo taken there, with the phone's position (checkin.js fills it)."""
    visit = get_object_or_404(
        ScheduledVisit.objects.due()
        .filter(schedule__post_id__in=acting_post_ids(_user(request)))
        .select_related("schedule__site__project", "schedule__post"),
        pk=pk,
    )
    form = CheckInForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photo = data["photo"]
        digest, source = (data.get("sha256") or "").strip().lower(), HashSource.DEVICE
        if not digest:
            hasher = hashlib.sha256()
            for piece in photo.chunks():
                hasher.update(piece)
            digest, source = hasher.hexdigest(), HashSource.SERVER
        actor = Actor.from_request(request)
        try:
            evidence = evidence_actions.receive_whole(
                actor,
                evidence_actions.Declaration(
                    kind="photo",
                    size=photo.size,
                    sha256=digest,
                    device_time=data.get("device_time") or timezone.now(),
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    accuracy_m=data.get("accuracy_m"),
                    note=_("Check-in at %(site)s") % {"site": visit.schedule.site.name},
                    hash_source=source,
                ),
                photo,
            )
            actions.check_in(actor, visit, photo=evidence, note=data.get("note") or "")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {
                        k if k in ("latitude", "longitude", "note") else "photo": v
                        for k, v in exc.error_dict.items()
                    }
                )
            apply_errors(form, exc)
        except (Refused, evidence_actions.UploadConflict) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Checked in at %(site)s.") % {"site": visit.schedule.site.name})
            return redirect("sites:project", pk=visit.schedule.site.project_id)
    return render(request, "sites/check_in.html", {"visit": visit, "form": form, "now": timezone.now()})


def recent_check_ins(project: Project) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(site__project=project)
        .select_related("site", "inspector", "photo")
        .order_by("-checked_in_at")[:50]
    )
