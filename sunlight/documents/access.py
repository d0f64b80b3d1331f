"""Who may download a sealed document's PDF: whoever may read what the document is about.

A decision on a case names the applicant and the reasons, so it is read like the case itself;
a letter on an alarm like the alarm. Each app registers the reader for its own subjects. A
subject without a reader falls back to the issuing unit's staff and inspectors holding the key
(fail closed: nobody else). Anyone may still verify a document by its number or its file.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from sunlight.documents.models import Document
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Assignment, Role

Reader = Callable[[HttpRequest, str], bool]
_readers: dict[str, Reader] = {}


def register(subject_type: str, reader: Reader) -> None:
    _readers[subject_type] = reader


def inspector_with_key(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def may_download(request: HttpRequest, document: Document) -> bool:
    if not request.user.is_authenticated:
        return False
    reader = _readers.get(document.subject_type)
    if reader is not None:
        return reader(request, document.subject_id)
    if inspector_with_key(request):
        return True
    return (
        Assignment.objects.current()
        .filter(
            person=request.user, post__organisation__unit_id=document.issuer.unit_id or document.issuer_id
        )
        .exists()
    )
