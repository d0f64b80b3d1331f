"""The REST API at /api/v1/: authentication, role checks, error responses and the routers.

Integrations authenticate with `Authorization: Bearer <token>`; the browser uses its session
(with CSRF). Both reach the same actions as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from sunlight.accounts.models import ApiToken
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import ROLES_NEEDING_SECOND_FACTOR, Role

# Recording every use would turn each read into a write; once a minute is enough to see
# which tokens are alive.
_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


AUTH = [TokenAuth(), SessionAuth()]


def require_role(request: HttpRequest, *roles: Role) -> set[Role]:
    """The caller's roles among `roles`; refuse when none, or when the second factor is missing."""
    held = request_roles(request) & set(roles)
    if not held:
        raise PermissionDenied(_("Your posts do not give access to this."))
    if held <= set(ROLES_NEEDING_SECOND_FACTOR) and not is_verified(request):
        raise PermissionDenied(_("This needs the supervision key (second factor) in this session."))
    return held


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(errors.values()))[0]
        return api.create_response(request, {"detail": first, "errors": errors}, status=400)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You may not do this.")
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        # Input that does not fit the schema is bad input like any other: 400 with field errors.
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            location = [
                str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "form")
            ]
            errors.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg", "")))
        first = next(iter(errors.values()))[0] if errors else _("The request is not valid.")
        return api.create_response(request, {"detail": first, "errors": errors}, status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Sign in, or send an API token as 'Authorization: Bearer …'.")}, status=401
        )


# Apps whose `api.py` defines a `router`, mounted in this order (also the order of the API's
# documentation). The public portal first: Django tries the URL patterns in order, and its case
# query is the busiest anonymous route (21st pattern instead of 40th; ninja still sorts the
# one-segment routes before it).
API_APPS = (
    *(
        "portal",
        "orgs",
        "ledger",
        "alarms",
        "calendars",
        "powers",
        "risks",
        "processes",
        "cases",
        "checkpoints",
        "funds",
    ),
    *(
        "documents",
        "notifications",
        "ratings",
        "reports",
        "supervision",
        "enforcement",
        "sites",
        "assessments",
    ),
)


# Every operation can answer these, whatever its own declaration says: authentication, the
# second factor, bad input and unknown objects are checked everywhere.
COMMON_RESPONSES = {
    "400": "Bad input: `detail` and field `errors`",
    "401": "Not signed in and no API token",
    "403": "Not allowed for your posts, or the second factor is missing",
    "404": "Not found",
    "405": "Method not allowed",
    "429": "Too many requests",
}


class SunlightAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        # Django tries URL patterns in order: a literal segment must come before a parameter
        # at the same place, or `processes/drafts` would be taken by `processes/<id>` and
        # answer 405. A stable sort keeps every app's own order otherwise.
        def literal_first(pattern: Any) -> list[tuple[int, int]]:
            segments = str(pattern.pattern).split("/")
            return [(1 if segment.startswith("<") else 0, 0) for segment in segments]

        return sorted(super()._get_urls(), key=literal_first)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "Error",
            {
                "type": "object",
                "properties": {"detail": {"type": "string"}, "errors": {"type": "object"}},
                "required": ["detail"],
            },
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in COMMON_RESPONSES.items():
                    responses.setdefault(code, {"description": description, "content": error})
        return schema


def build_api() -> NinjaAPI:
    import importlib
    import importlib.util

    api = SunlightAPI(
        title="Sunlight API",
        version="1",
        description=(
            "Sunlight's REST API. Integrations send `Authorization: Bearer <token>`; "
            "the browser uses its session. Every write goes through the same actions as the web pages "
            "and leaves a ledger leaf."
        ),
        auth=AUTH,
        urls_namespace="api",
    )
    install_error_handlers(api)
    for app in API_APPS:
        module = f"sunlight.{app}.api"
        if importlib.util.find_spec(module) is not None:
            api.add_router("/", importlib.import_module(module).router)
    return api


api = build_api()
