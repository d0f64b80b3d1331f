"""Prometheus metrics. Request latency is measured in each worker (prometheus_client's
multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set); the business figures are read from the
database at scrape time, so every worker reports the same truth."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "sunlight_request_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class BusinessCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sunlight.alarms.models import Alarm
        from sunlight.ledger.actions import size as ledger_size
        from sunlight.ledger.models import Leaf, Verification
        from sunlight.operations.models import TimerRun

        actions = GaugeMetricFamily(
            "sunlight_actions", "Actions recorded in the ledger, by action.", labels=["action"]
        )
        for action, count in (
            Leaf.objects.values_list("action").annotate(n=Count("seq")).values_list("action", "n")
        ):
            actions.add_metric([action], count)
        yield actions
        alarms = GaugeMetricFamily(
            "sunlight_alarms", "Alarms raised, by kind, level and state.", labels=["kind", "level", "state"]
        )
        for kind, level, state, count in (
            Alarm.objects.values_list("kind", "level", "state")
            .annotate(n=Count("pk"))
            .values_list("kind", "level", "state", "n")
        ):
            alarms.add_metric([kind, level, state], count)
        yield alarms
        size = ledger_size()
        yield GaugeMetricFamily("sunlight_ledger_leaves", "Leaves in the ledger.", value=size)
        last = Verification.objects.order_by("-started_at").first()
        yield GaugeMetricFamily(
            "sunlight_ledger_last_verification_ok",
            "1 if the last ledger verification passed.",
            value=1 if last is None or last.outcome == "passed" else 0,
        )
        lag = GaugeMetricFamily(
            "sunlight_timer_lag_seconds", "Seconds since each timer handler last ran.", labels=["handler"]
        )
        now = timezone.now()
        for name, started in TimerRun.objects.values_list("name", "last_started"):
            lag.add_metric([name], (now - started).total_seconds())
        yield lag
        newest = TimerRun.objects.aggregate(t=Max("last_started"))["t"]
        yield GaugeMetricFamily(
            "sunlight_timers_last_round_age_seconds",
            "Seconds since the newest timer round.",
            value=(now - newest).total_seconds() if newest else float("inf"),
        )


def render_metrics() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(BusinessCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class LatencyMiddleware:
    """Times every request into the latency histogram, labelled by the resolved view name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unmatched"
        REQUEST_LATENCY.labels(view, request.method or "", str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response
