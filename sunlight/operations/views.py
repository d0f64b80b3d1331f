"""Health and metrics for operators and load balancers (no personal data in either)."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from sunlight.operations.metrics import render_metrics
from sunlight.operations.models import TimerRun


def ping(request: HttpRequest) -> HttpResponse:
    """A constant answer: the reference the load benchmarks measure pages against."""
    return HttpResponse(b"pong", content_type="text/plain")


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the timers ran recently; 503 otherwise."""
    checks: dict[str, object] = {}
    healthy = True
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    limit = dt.timedelta(seconds=settings.TIMERS_INTERVAL_SECONDS * 6 + 60)
    newest = TimerRun.objects.order_by("-last_started").values_list("last_started", flat=True).first()
    timers_ok = newest is not None and timezone.now() - newest < limit
    checks["timers"] = {"ok": timers_ok, "last_round": newest.isoformat() if newest else None}
    from sunlight.ledger.models import Verification

    last = Verification.objects.order_by("-started_at").values("outcome", "finished_at").first()
    checks["ledger"] = {
        "ok": last is None or last["outcome"] == "passed",
        "last_verification": last and last["finished_at"].isoformat(),
    }
    healthy = bool(timers_ok) and bool(checks["ledger"]["ok"])  # type: ignore[index]
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition: request latency, actions, alarms, timer lag, ledger size.

    Counts only, no personal data; with METRICS_TOKEN set, scrapers must send it as a bearer token.
    """
    token = settings.METRICS_TOKEN
    if token and not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return HttpResponse(status=401)
    body, content_type = render_metrics()

    return HttpResponse(body, content_type=content_type)
