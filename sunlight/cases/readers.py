"""Who may download a case's sealed decision: whoever may read the case (documents.access)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from sunlight.accounts.models import User
from sunlight.cases import queries
from sunlight.documents.access import inspector_with_key


def may_read_case(request: HttpRequest, case_id: str) -> bool:
    if not case_id.isdigit():
        return False
    user = cast(User, request.user)
    readable = queries.readable_cases(user, inspector=inspector_with_key(request))
    return bool(readable.filter(pk=int(case_id)).exists())
