"""Enforcement pages: the officer's cases, the mobile capture page, a case's evidence and its custody."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.accounts.models import User
from sunlight.cases import queries as case_queries
from sunlight.cases.models import Case, StepState
from sunlight.enforcement import access, actions, conf
from sunlight.enforcement.forms import CaptureForm
from sunlight.enforcement.models import Evidence, HashSource
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.labels import action_label
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import Role

READERS = (Role.WORKBENCH, Role.SUPERVISION)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def is_inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def readable_case(request: HttpRequest, number: str) -> Case:
    """An enforcement case this person may read; an inspector's read is recorded."""
    inspector = is_inspector(request)
    case = (
        case_queries.readable_cases(_user(request), inspector=inspector)
        .filter(number=number, definition__code__endswith=access.PROCESS_SUFFIX)
        .select_related("owner", "definition", "applicant")
        .first()
    )
    if case is None:
        raise Http404
    if inspector:
        appended_atomically(Actor.from_request(request), "cases.read", case)
    return cast(Case, case)


def capture_cases(user: User) -> list[Case]:
    """Open enforcement cases of the units the officer works in."""
    units = access.officer_unit_ids(user)
    return list(access.enforcement_cases().open().filter(owner_id__in=units).order_by("-started_at")[:200])


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    inspector = is_inspector(request)
    cases = (
        case_queries.readable_cases(user, inspector=inspector)
        .filter(definition__code__endswith=access.PROCESS_SUFFIX)
        .select_related("owner", "applicant")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .prefetch_related("steps")
        .order_by("-started_at")[:200]
    )
    rows = []
    for case in cases:
        active = [s.node_id for s in case.steps.all() if s.state == StepState.ACTIVE]
        rows.append({"case": case, "active": active, "at_decision": access.DECISION_NODE in active})
    return render(
        request,
        "enforcement/index.html",
        {"rows": rows, "can_capture": bool(access.officer_unit_ids(user)), "inspector": inspector},
    )


def _declaration(request: HttpRequest, form: CaptureForm) -> actions.Declaration:
    data = form.cleaned_data
    upload = data["file"]
    digest = (data.get("sha256") or "").strip().lower()
    source = HashSource.DEVICE
    if not digest:
        # Without the page's script the phone could not hash the file: the server does, and says so.
        hasher = hashlib.sha256()
        for piece in upload.chunks():
            hasher.update(piece)
        digest, source = hasher.hexdigest(), HashSource.SERVER
    return actions.Declaration(
        kind=data["kind"],
        size=upload.size,
        sha256=digest,
        device_time=data.get("device_time") or timezone.now(),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        accuracy_m=data.get("accuracy_m"),
        case_number=data["case"],
        note=data.get("note") or "",
        hash_source=source,
    )


def _show_errors(form: CaptureForm, exc: ValidationError) -> None:
    """Errors on the hidden fields (the page's hash and clock) are shown above the form."""
    hidden = {name for name, field in form.fields.items() if field.widget.is_hidden} | {"size", "chunk"}
    if hasattr(exc, "error_dict"):
        for name in list(exc.error_dict):
            if name in hidden or name not in form.fields:
                for message in exc.error_dict.pop(name):
                    form.add_error(None, message.messages)
    apply_errors(form, exc)


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def capture(request: HttpRequest) -> HttpResponse:
    """The mobile capture page. With JavaScript: camera, position, hashing and chunked upload
    with retries (static/enforcement/capture.js); without it, a plain file upload."""
    cases = capture_cases(_user(request))
    if not cases and not access.officer_unit_ids(_user(request)):
        raise PermissionDenied(_("Your posts are not in a unit that handles enforcement cases."))
    form = CaptureForm(
        request.POST or None, request.FILES or None, cases=cases, initial={"case": request.GET.get("case")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            evidence = actions.receive_whole(
                Actor.from_request(request), _declaration(request, form), form.cleaned_data["file"]
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        except (Refused, actions.UploadConflict) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Evidence received. SHA-256: %(sha)s") % {"sha": evidence.sha256})
            return redirect("enforcement:case_evidence", number=evidence.case.number if evidence.case else "")
    texts = {
        "ready": _("Ready."),
        "hashing": _("Computing the SHA-256 on this phone…"),
        "uploading": _("Uploading…"),
        "retrying": _("The network dropped; trying again in %s s…"),
        "offline": _("Offline: the evidence waits here and is sent when the network is back."),
        "done": _("Received by the server."),
        "failed": _("Refused:"),
        "no_position": _("Position unavailable"),
        "no_camera": _("The camera cannot be opened here; choose a file instead."),
        "open_evidence": _("Open the case's evidence"),
    }
    return render(
        request,
        "enforcement/capture.html",
        {
            "form": form,
            "cases": cases,
            "chunk_bytes": conf.chunk_bytes(),
            "texts": texts,
        },
    )


@role_required(*READERS)
def case_evidence(request: HttpRequest, number: str) -> HttpResponse:
    case = readable_case(request, number)
    evidence = list(
        Evidence.objects.of_case(case.pk).select_related("officer", "device").order_by("device_time", "pk")
    )
    return render(
        request,
        "enforcement/case_evidence.html",
        {
            "case": case,
            "evidence": evidence,
            "can_capture": case.is_open
            and access.officer_standing(_user(request), case.owner_id) is not None,
            "decisions": case.penalty_decisions.select_related("penalty__row", "decided_by"),
        },
    )


def _readable_evidence(request: HttpRequest, pk: int) -> Evidence:
    found = access.readable_evidence(_user(request), inspector=is_inspector(request))
    return get_object_or_404(found.select_related("case", "officer", "device", "uploaded_by", "unit"), pk=pk)


def custody(evidence: Evidence) -> list[dict[str, Any]]:
    """The chain of custody read from the ledger: capture, upload, each view, each use."""
    rows = []
    for leaf in Leaf.objects.about("enforcement.evidence", evidence.pk).order_by("seq"):
        data = json.loads(leaf.data)
        person = (data.get("actor") or {}).get("person") or {}
        rows.append(
            {
                "seq": leaf.seq,
                "at": leaf.recorded_at,
                "action": action_label(leaf.action),
                "who": person.get("name") or person.get("username") or _("the system"),
                "post": (data.get("actor") or {}).get("post", {}).get("name", ""),
                "detail": data.get("detail") or {},
            }
        )
    return rows


@role_required(*READERS)
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _readable_evidence(request, pk)
    return render(
        request,
        "enforcement/evidence_detail.html",
        {
            "evidence": evidence,
            "custody": custody(evidence),
            "uses": evidence.uses.select_related("decision__case"),
        },
    )


@role_required(*READERS)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, read in place (never as an attachment to edit); the read is recorded."""
    evidence = _readable_evidence(request, pk)
    actions.record_view(Actor.from_request(request), evidence, via="web")
    response = FileResponse(
        default_storage.open(evidence.storage_name, "rb"), content_type=evidence.content_type
    )
    response["X-Content-SHA256"] = evidence.sha256
    response["Cache-Control"] = "no-store"
    return response
