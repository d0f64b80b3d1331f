"""API for sealed documents: what a number stands for, and whether a file is genuine (public)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from sunlight.api import Error, FieldErrors
from sunlight.documents import actions
from sunlight.documents.models import Document

router = Router(tags=["documents"])


class DocumentOut(Schema):
    number: str
    title: str
    issuer: str
    issued_at: dt.datetime
    sha256: str


@router.get(
    "/documents/{number}", auth=None, response={200: DocumentOut, 404: Error}, summary="A registered document"
)
def document(request: HttpRequest, number: str) -> DocumentOut:
    found = get_object_or_404(Document.objects.select_related("issuer"), number=number)
    return DocumentOut(
        number=found.number,
        title=found.title,
        issuer=found.issuer.name,
        issued_at=found.issued_at,
        sha256=found.sha256,
    )


class VerdictOut(Schema):
    genuine: bool
    number: str | None
    title: str | None
    issuer: str | None


@router.post(
    "/documents/verify",
    auth=None,
    response={200: VerdictOut, 400: FieldErrors},
    summary="Is this PDF a genuine, unchanged sealed document?",
)
def verify(request: HttpRequest, file: File[UploadedFile]) -> VerdictOut:
    if file.size is not None and file.size > 20 * 1024 * 1024:
        from django.core.exceptions import ValidationError

        raise ValidationError({"file": "The file is larger than 20 MB."})
    verdict = actions.verify(file.read())
    doc = verdict.document if verdict.genuine else None
    return VerdictOut(
        genuine=verdict.genuine,
        number=doc.number if doc else None,
        title=doc.title if doc else None,
        issuer=doc.issuer.name if doc else None,
    )
