"""Search benchmark: the public power list searched for "建设工程", server-side, at the seed's scale.

Run: `.venv/bin/python bench/search_bench.py [--runs N]`. Sets up a throwaway SQLite database
(or uses DATABASE_URL), loads the demo district and its power list (2,200+ published powers),
then times requests through Django's test client (the whole server side: middleware, view,
queries, template; no network) and prints the median and p95. Each figure is also given as a
ratio to references measured in the same run, so that a noisy machine does not mislead: a
constant view through the same stack, and a page that reads one version by primary key.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")
os.environ.setdefault("MANIFEST_STATIC", "false")  # no collectstatic needed for a benchmark

TARGET_MS = 200.0


def setup_database() -> None:
    import django

    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="sunlight-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ["VAR_DIR"] = directory
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def install_reference_urls() -> None:
    """The project's URLs plus two references: a constant view and a primary-key page."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.shortcuts import get_object_or_404
    from django.urls import clear_url_caches, include, path

    from sunlight.powers.models import PowerVersion

    def constant(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    def by_pk(request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(PowerVersion.objects.select_related("item"), pk=pk)
        return HttpResponse(f"{version.item.code} {version.name}")

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/constant/", constant),
        path("bench/version/<int:pk>/", by_pk),
        path("", include("sunlight.urls")),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def timed_requests(client, url: str, runs: int, params: dict[str, str] | None = None) -> list[float]:  # type: ignore[no-untyped-def]
    for _ in range(max(5, runs // 10)):  # warm up: templates compiled, caches filled
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params or {})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    setup_database()

    from django.db import connection
    from django.test import Client

    from sunlight.orgs import demo as orgs_demo
    from sunlight.powers import demo as powers_demo
    from sunlight.powers import search
    from sunlight.powers.models import PowerVersion

    started = time.perf_counter()
    if not orgs_demo.is_loaded():
        orgs_demo.load()
    if not powers_demo.is_loaded():
        powers_demo.load()
    loaded = time.perf_counter() - started
    install_reference_urls()
    published = PowerVersion.objects.current().count()
    some = PowerVersion.objects.current().order_by("pk").values_list("pk", flat=True)[published // 2]
    client = Client()
    hits = search.search("建设工程").count()

    constant = summary(timed_requests(client, "/bench/constant/", args.runs))
    by_pk = summary(timed_requests(client, f"/bench/version/{some}/", args.runs))
    rows = [
        ("constant view (reference)", constant),
        ("one version by primary key (reference)", by_pk),
        (
            "search 建设工程 (trigram index)",
            summary(timed_requests(client, "/powers/", args.runs, {"q": "建设工程"})),
        ),
        (
            "search 低保 (2 characters: LIKE)",
            summary(timed_requests(client, "/powers/", args.runs, {"q": "低保"})),
        ),
        (
            "search 建设工程 in 行政检查, as of 2018-06-01",
            summary(
                timed_requests(
                    client,
                    "/powers/",
                    args.runs,
                    {"q": "建设工程", "category": "inspection", "on": "2018-06-01"},
                )
            ),
        ),
        ("browse the list (no query, page 1)", summary(timed_requests(client, "/powers/", args.runs))),
    ]
    print(
        f"database: {connection.vendor}; published powers in force: {published}; demo loaded in {loaded:.1f} s"
    )
    print(
        f"search 建设工程 finds {hits} powers; {args.runs} requests each, server side (test client, no network)"
    )
    print(f"{'':48} {'median':>9} {'p95':>9}  {'× constant':>10}  {'× pk page':>9}")
    for label, (median, p95) in rows:
        print(
            f"{label:48} {median:7.2f}ms {p95:7.2f}ms  {median / constant[0]:9.1f}x  {median / by_pk[0]:8.1f}x"
        )
    search_p95 = rows[2][1][1]
    verdict = "met" if search_p95 < TARGET_MS else "NOT met"
    print(f"target: search 建设工程 under {TARGET_MS:.0f} ms on SQLite (p95 {search_p95:.1f} ms): {verdict}")


if __name__ == "__main__":
    main()
