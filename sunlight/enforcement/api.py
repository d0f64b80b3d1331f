"""Field evidence API for registered devices (`Authorization: Bearer`) and officers (session).

1. `POST /evidence/uploads` declares the file: kind, size, SHA-256 computed on the device,
   device time, position, case number (and, for a device, the officer). The answer is the
   upload's id and the offset to send from (0, or more when the same file was declared before).
2. `PUT /evidence/uploads/{id}/chunks?offset=N` (or `Content-Range: bytes N-M/T`) sends raw bytes.
   A chunk already received is accepted again; a gap or different bytes answer 409 with the
   offset to continue from. `GET /evidence/uploads/{id}` also tells the offset (after a drop).
3. `POST /evidence/uploads/{id}/complete` checks the SHA-256 over the assembled bytes: a
   mismatch answers 400 and discards the upload; a match creates the evidence (201).

Evidence is never changed or deleted: there is no endpoint for it (405). Reading a file is
recorded in the evidence's chain of custody.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictInt

from sunlight.accounts.models import AccountKind, User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.enforcement import access, actions, conf
from sunlight.enforcement.models import Evidence, Upload
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Role

router = Router(tags=["enforcement"])
ERRORS: dict[int, Any] = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


class DeclareIn(Schema):
    kind: str
    size: StrictInt
    sha256: str
    device_time: dt.datetime
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: StrictInt | None = None
    case: str = ""
    officer: str = ""
    note: str = ""


class UploadOut(Schema):
    id: uuid.UUID
    state: str
    offset: int
    size: int
    chunk_bytes: int
    evidence: int | None = None


class ConflictOut(Schema):
    detail: str
    offset: int
    state: str


class EvidenceOut(Schema):
    id: int
    case: str | None
    kind: str
    content_type: str
    size: int
    sha256: str
    hash_source: str
    officer: str
    device: str | None
    channel: str
    device_time: dt.datetime
    received_at: dt.datetime
    delay_seconds: int
    queued_offline: bool
    clock_ahead: bool
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    note: str
    url: str
    file: str


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_device(request: HttpRequest) -> bool:
    return _user(request).kind == AccountKind.INTEGRATION


def _may_upload(request: HttpRequest) -> None:
    if not _is_device(request):
        require_role(request, Role.WORKBENCH, Role.SUPERVISION)


def _upload(request: HttpRequest, upload_id: uuid.UUID) -> Upload:
    """The caller's own upload; another's is not found (ids are not secrets, but not shared)."""
    upload = Upload.objects.filter(public_id=upload_id, account=_user(request)).first()
    if upload is None:
        raise Http404
    return upload


def _upload_out(upload: Upload) -> dict[str, Any]:
    evidence = Evidence.objects.filter(upload=upload).values_list("pk", flat=True).first()
    return {
        "id": upload.public_id,
        "state": upload.state,
        "offset": upload.received,
        "size": upload.size,
        "chunk_bytes": conf.chunk_bytes(),
        "evidence": evidence,
    }


def evidence_out(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "case": evidence.case.number if evidence.case else None,
        "kind": evidence.kind,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "hash_source": evidence.hash_source,
        "officer": evidence.officer.username,
        "device": evidence.device.code if evidence.device else None,
        "channel": evidence.channel,
        "device_time": evidence.device_time,
        "received_at": evidence.received_at,
        "delay_seconds": evidence.delay_seconds,
        "queued_offline": evidence.queued_offline,
        "clock_ahead": evidence.clock_ahead,
        "latitude": evidence.latitude,
        "longitude": evidence.longitude,
        "accuracy_m": evidence.accuracy_m,
        "note": evidence.note,
        "url": reverse("enforcement:evidence", args=[evidence.pk]),
        "file": reverse("api:evidence_file", args=[evidence.pk]),
    }


def _conflict(exc: actions.UploadConflict) -> Status[Any]:
    return Status(409, {"detail": exc.message, "offset": exc.upload.received, "state": exc.upload.state})


@router.post(
    "/evidence/uploads", url_name="evidence_uploads", response={200: UploadOut, 201: UploadOut, **ERRORS}
)
def declare(request: HttpRequest, payload: DeclareIn) -> Status[Any]:
    """Declare a file to upload; declaring the same file again resumes the same upload."""
    _may_upload(request)
    upload, created = actions.declare_upload(
        _actor(request),
        actions.Declaration(
            kind=payload.kind,
            size=payload.size,
            sha256=payload.sha256,
            device_time=payload.device_time,
            latitude=payload.latitude,
            longitude=payload.longitude,
            accuracy_m=payload.accuracy_m,
            case_number=payload.case,
            officer=payload.officer,
            note=payload.note,
        ),
    )
    return Status(201 if created else 200, _upload_out(upload))


@router.get("/evidence/uploads/{upload_id}", response={200: UploadOut, **ERRORS})
def upload_state(request: HttpRequest, upload_id: uuid.UUID) -> dict[str, Any]:
    """How far an upload got: resume from `offset`."""
    return _upload_out(_upload(request, upload_id))


def _offset(request: HttpRequest, offset: int | None) -> int:
    if offset is not None:
        return offset
    found = _RANGE.match(request.headers.get("Content-Range", ""))
    if found is None:
        raise ValidationError({"offset": _("Send ?offset=N or a Content-Range header (bytes N-M/T).")})
    return int(found.group(1))


@router.api_operation(
    ["PUT", "PATCH"],
    "/evidence/uploads/{upload_id}/chunks",
    response={200: UploadOut, 409: ConflictOut, **ERRORS},
)
def chunk(
    request: HttpRequest, upload_id: uuid.UUID, offset: int | None = None
) -> dict[str, Any] | Status[Any]:
    """Send raw bytes at `offset` (Content-Type: application/octet-stream)."""
    upload = _upload(request, upload_id)
    start = _offset(request, offset)
    # Read from the stream, at most one byte more than a chunk may have (so an oversized chunk
    # is refused without reading it all); Django's in-memory body limit does not apply here.
    data = request.read(conf.chunk_bytes() + 1)
    try:
        upload = actions.receive_chunk(_actor(request), upload, offset=start, data=data)
    except actions.UploadConflict as exc:
        return _conflict(exc)
    return _upload_out(upload)


@router.post(
    "/evidence/uploads/{upload_id}/complete",
    response={200: EvidenceOut, 201: EvidenceOut, 409: ConflictOut, **ERRORS},
)
def complete(request: HttpRequest, upload_id: uuid.UUID) -> Status[Any]:
    """Check the SHA-256 of the bytes received and keep them as evidence."""
    upload = _upload(request, upload_id)
    already = upload.state == "complete"
    try:
        evidence = actions.complete_upload(_actor(request), upload)
    except actions.UploadConflict as exc:
        return _conflict(exc)
    return Status(200 if already else 201, evidence_out(evidence))


def _readable(request: HttpRequest) -> Any:
    if _is_device(request):
        return Evidence.objects.filter(uploaded_by=_user(request))
    require_role(request, Role.WORKBENCH, Role.SUPERVISION)
    inspector = Role.SUPERVISION in request_roles(request) and is_verified(request)
    return access.readable_evidence(_user(request), inspector=inspector)


@router.get("/evidence", response={200: list[EvidenceOut], **ERRORS})
def evidence_list(request: HttpRequest, case: str) -> list[dict[str, Any]]:
    """The evidence of one case, in the order of capture."""
    found = _readable(request).filter(case__number=case).select_related("case", "officer", "device")
    return [evidence_out(e) for e in found.order_by("device_time", "pk")[:500]]


@router.get("/evidence/{evidence_id}", response={200: EvidenceOut, **ERRORS})
def evidence_detail(request: HttpRequest, evidence_id: int) -> dict[str, Any]:
    evidence = get_object_or_404(
        _readable(request).select_related("case", "officer", "device"), pk=evidence_id
    )
    return evidence_out(evidence)


@router.get("/evidence/{evidence_id}/file", url_name="evidence_file", response={200: None, **ERRORS})
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """The file itself; the read is recorded in the evidence's chain of custody."""
    evidence = get_object_or_404(_readable(request), pk=evidence_id)
    actions.record_view(_actor(request), evidence, via="api")
    response = FileResponse(
        default_storage.open(evidence.storage_name, "rb"), content_type=evidence.content_type
    )
    response["X-Content-SHA256"] = evidence.sha256
    return response
