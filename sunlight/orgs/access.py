"""Page access by role, and the second factor for the roles that need one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from sunlight.orgs.authority import roles_of
from sunlight.orgs.models import ROLES_NEEDING_SECOND_FACTOR, Role

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def request_roles(request: HttpRequest) -> set[Role]:
    """The signed-in person's roles, computed once per request."""
    cached = getattr(request, "_sunlight_roles", None)
    if cached is None:
        cached = roles_of(request.user) if request.user.is_authenticated else set()
        request._sunlight_roles = cached  # type: ignore[attr-defined]
    return cast(set[Role], cached)


def is_verified(request: HttpRequest) -> bool:
    """True once the person has used their second factor in this session (django-otp)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def second_factor_url(request: HttpRequest) -> str:
    return reverse("accounts:second_factor") + "?" + urlencode({"next": request.get_full_path()})


def role_required(*roles: Role) -> Callable[[V], V]:
    """Open the view to people holding one of `roles`; ask for the second factor where needed."""

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = request_roles(request) & set(roles)
            if not held:
                raise PermissionDenied(_("Your posts do not give access to this page."))
            if held <= set(ROLES_NEEDING_SECOND_FACTOR) and not is_verified(request):
                return HttpResponseRedirect(second_factor_url(request))
            return view(request, *args, **kwargs)

        return cast(V, wrapper)

    return decorator


def form_only_for(request: HttpRequest, may_submit: bool) -> None:
    """Open a form page only to those whose action would accept it (403 otherwise).

    Only the page is refused: a POST still reaches the action, which refuses it, records the
    attempt in the ledger and raises the alarm.
    """
    if request.method == "GET" and not may_submit:
        raise PermissionDenied(_("Your posts do not give access to this page."))
