"""Throttling wrong codes per client (限流), shared by every web worker through the database.

A client is a keyed hash of its address and the day (`HMAC(SECRET_KEY, scope + address + day)`),
so the table never holds an address, and the same address gives unrelated keys on different days
and in different scopes. Only failures are written: a right code leaves no row. Each look-up
deletes the rows older than the window, so what is kept is at most one window of failures.

The limit counts wrong answers in a sliding window; once it is reached, every attempt is refused
until the oldest failure leaves the window, even with the right code: a guesser gains nothing by
slipping a correct pair in.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sunlight.lib.clients import client_address
from sunlight.portal.models import FailedLookup, ThrottleScope

DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 60


def limit() -> int:
    return int(getattr(settings, "PORTAL_THROTTLE_LIMIT", DEFAULT_LIMIT))


def window() -> dt.timedelta:
    return dt.timedelta(
        seconds=int(getattr(settings, "PORTAL_THROTTLE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))
    )


class Throttled(Exception):
    """Too many wrong look-ups from this client: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_key(request: HttpRequest, scope: ThrottleScope) -> str:
    # As for the sign-in lockout: the socket peer, or what trusted proxies saw.
    address = client_address(request)
    day = timezone.localdate().isoformat()
    return salted_hmac(
        f"sunlight.portal.throttle.{scope}", f"{address}|{day}", algorithm="sha256"
    ).hexdigest()


def check(request: HttpRequest, scope: ThrottleScope) -> str:
    """Raise Throttled when the client is over the limit; else return its key for `failed`."""
    key = client_key(request, scope)
    now = timezone.now()
    since = now - window()
    # Read only: a right code costs no write (old failures are cleared when a new one is kept).
    recent = list(
        FailedLookup.objects.filter(scope=scope, client=key, at__gte=since)
        .order_by("at")
        .values_list("at", flat=True)[: limit()]
    )
    if len(recent) >= limit():
        free_at = recent[0] + window()
        raise Throttled(max(1, math.ceil((free_at - now).total_seconds())))
    return key


def failed(scope: ThrottleScope, key: str) -> None:
    now = timezone.now()
    FailedLookup.objects.filter(at__lt=now - window()).delete()
    FailedLookup.objects.create(scope=scope, client=key, at=now)
