"""The authorization matrix: every page and API URL, opened by every persona.

`world()` (in authz_world.py) builds one object of each kind a URL can name; `expand()` turns
every URL pattern into a concrete URL (or says why it cannot); `outcome()` classifies what a
persona gets. The expected table is committed in `authz_expected.json`; regenerate it with
`AUTHZ_WRITE=1 .venv/bin/pytest sunlight/tests/test_authorization_matrix.py` and review the diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sunlight.test import totp_device
from sunlight.tests.authz_world import World, world

__all__ = ["PERSONAS", "Route", "World", "client_for", "expand", "outcome", "routes", "world"]

# URL names that are not pages to open: static assets, the language switch, sign-out, etc.
SKIPPED = {"set_language", "accounts:logout", "operations:metrics"}
PERSONAS = (
    "anonymous",
    "clerk",
    "outsider",
    "chief",
    "head",
    "monitor",
    "inspector_no_key",
    "inspector",
    "admin",
)


@dataclass(frozen=True)
class Route:
    name: str
    template: str  # e.g. "cases/<str:number>/steps/<int:step_id>/"
    api: bool


def routes() -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = namespace
                if pattern.namespace:
                    space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                template = prefix + str(pattern.pattern)
                yield Route(name or template, template, template.startswith("api/"))

    seen: set[str] = set()
    for route in walk(get_resolver().url_patterns, "", ""):
        key = f"{route.name} {route.template}"
        if key not in seen and route.name not in SKIPPED and not route.template.startswith("static"):
            seen.add(key)
            yield route


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def expand(route: Route, w: World) -> str | None:
    """The concrete URL of a route in this world, or None when it names what the world lacks."""
    values = w.values
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(2)
        for key in (f"{name}:{route.name}", f"{name}:{route.name.rsplit(':', 1)[0]}"):
            if key in values:
                return str(values[key])
        if name in values and name != "pk":
            return str(values[name])
        return _missing()

    def _missing() -> str:
        nonlocal missing
        missing = True
        return "0"

    path = "/" + _PARAM.sub(value, route.template)
    if missing or "(?" in path or "^" in path:
        return None
    return path


def client_for(persona: str, w: World) -> Client:
    client = Client(raise_request_exception=False)
    if persona == "anonymous":
        return client
    user = {
        "clerk": w.clerk,
        "outsider": w.outsider,
        "chief": w.chief,
        "head": w.head,
        "monitor": w.monitor,
        "inspector_no_key": w.inspector,
        "inspector": w.inspector,
        "admin": w.admin,
    }[persona]
    client.force_login(user)
    if persona in ("inspector", "admin"):
        session = client.session
        session["otp_device_id"] = totp_device(user).persistent_id
        session.save()
    return client


def outcome(client: Client, path: str) -> str:
    response = client.get(path)
    status = response.status_code
    if status in (301, 302, 303):
        location = response.get("Location", "")
        if "/accounts/login/" in location:
            return "login"
        if "/accounts/second-factor/" in location:
            return "2fa"
        return "redirect"
    if status >= 500 and status != 503:  # 503 is /healthz saying the timers have not run yet
        return f"ERROR {status}"
    return {
        200: "ok",
        400: "bad",
        401: "401",
        403: "deny",
        404: "404",
        405: "405",
        429: "429",
        503: "503",
    }.get(status, str(status))
