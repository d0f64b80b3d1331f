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
from typing import Any

from django.conf import settings
from django.db import connection
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


# The client's failures in the window: how many, and the oldest (whose leaving the window frees
# the client). A range scan of the index portal_failed_client over about `limit` rows at most: a
# refused attempt records no failure. Raw SQL, so that the public case query's API can fold it
# into its one statement (answer.find_answer) instead of compiling an ORM query per request.
RECENT_FAILURES_SQL = (
    "SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM portal_failedlookup "
    "WHERE scope = %s AND client = %s AND at >= %s"
)


def recent_failures_params(scope: ThrottleScope, key: str, now: dt.datetime) -> list[Any]:
    # Adapted as the ORM would: SQLite compares the stored text, naive in UTC.
    return [str(scope), key, connection.ops.adapt_datetimefield_value(now - window())]


def refuse_when_over(failures: int, oldest: object, now: dt.datetime) -> None:
    """Raise Throttled when `failures` in the window reach the limit (the read of RECENT_FAILURES_SQL)."""
    if failures >= limit():
        free_at = as_datetime(oldest) + window()
        raise Throttled(max(1, math.ceil((free_at - now).total_seconds())))


def as_datetime(value: object) -> dt.datetime:
    """An aware datetime from a raw column: an aggregate comes back as text from SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a datetime: {value!r}")
    return value if timezone.is_aware(value) else timezone.make_aware(value, connection.timezone)


def check(request: HttpRequest, scope: ThrottleScope) -> str:
    """Raise Throttled when the client is over the limit; else return its key for `failed`."""
    key = client_key(request, scope)
    now = timezone.now()
    # Read only: a right code costs no write (old failures are cleared when a new one is kept).
    with connection.cursor() as cursor:
        cursor.execute(RECENT_FAILURES_SQL, recent_failures_params(scope, key, now))
        failures, oldest = cursor.fetchone()
    refuse_when_over(failures, oldest, now)
    return key


def failed(scope: ThrottleScope, key: str) -> None:
    now = timezone.now()
    FailedLookup.objects.filter(at__lt=now - window()).delete()
    FailedLookup.objects.create(scope=scope, client=key, at=now)
