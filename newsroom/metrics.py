"""
What a monitoring system scrapes: /metrics, in Prometheus' text format.

- Requests and their latency by page (the URL name: "article", "home", …;
  "page cache" for a hit answered before Django resolved the address).
- Lookups of the page cache, the kept fragments and the kept cards, hit or
  miss: their ratio is what a cache costs or saves.
- Gauges the apps hand over from their AppConfig.ready() with `gauge()`
  (the outbox's depth, the age of its oldest waiting email, when the worker
  was last seen, renditions waiting), read when the scrape comes.

Under gunicorn each worker process counts its own requests; with
PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets it to a fresh folder)
every worker writes its counts there and any worker answers for all of
them. Without it, a scrape sees the process that answered it.

Who may read it: a request bearing METRICS_TOKEN ("Authorization: Bearer
…"), or one made straight to the application server from METRICS_NETWORKS
(a request that came through the edge, which adds X-Forwarded-For, is never
let in by its address: behind nginx every reader's address is the edge's).
Anyone else gets a 404, as if there were nothing here.
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "newsroom_requests",
    "Requests answered, by page (URL name) and status class.",
    ["page", "status"],
)
LATENCY = Histogram(
    "newsroom_request_seconds",
    "Time from the request reaching Django to its answer, by page.",
    ["page"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
CACHE_LOOKUPS = Counter(
    "newsroom_cache_lookups",
    "Lookups of kept pages, fragments and cards, by what was looked for and "
    "whether it was found.",
    ["kind", "result"],
)
PAGE_CACHE_HIT = "page cache"

_gauges = {}


def gauge(name, documentation, read):
    """
    Report `read()` (a number, or None when unknown) as the gauge
    newsroom_`name` at every scrape. Called from an AppConfig.ready().
    """
    _gauges[f"newsroom_{name}"] = (documentation, read)


def looked_up(kind, hits=0, misses=0):
    """Count lookups of kept `kind`s ("page", "fragment", "card")."""
    if hits:
        CACHE_LOOKUPS.labels(kind, "hit").inc(hits)
    if misses:
        CACHE_LOOKUPS.labels(kind, "miss").inc(misses)


def answered(page, status, seconds):
    REQUESTS.labels(page, f"{status // 100}xx").inc()
    LATENCY.labels(page).observe(seconds)


class AppGauges:
    """The apps' gauges, read at scrape time (a prometheus_client collector)."""

    def collect(self):
        for name, (documentation, read) in _gauges.items():
            try:
                value = read()
            except DatabaseError:  # the database is down: report the rest
                continue
            if value is not None:
                family = GaugeMetricFamily(name, documentation)
                family.add_metric([], float(value))
                yield family


class RequestMetricsMiddleware:
    """Counts and times every request Django answers, by its URL name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None:
            page = match.url_name or match.view_name or "unnamed"
        elif getattr(request, "page_cache_hit", False):
            page = PAGE_CACHE_HIT
        else:
            page = "unresolved"
        answered(page, response.status_code, time.perf_counter() - started)
        return response


def allowed(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if not settings.METRICS_NETWORKS or "x-forwarded-for" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_NETWORKS
    )


# The apps' gauges, read at each scrape; one registry for the process's life.
GAUGES = CollectorRegistry()
GAUGES.register(AppGauges())


def counted():
    """What this process counted, or every worker with PROMETHEUS_MULTIPROC_DIR."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    workers = CollectorRegistry()
    multiprocess.MultiProcessCollector(workers)
    return workers


@never_cache
@require_safe
def metrics(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(
        generate_latest(counted()) + generate_latest(GAUGES),
        content_type=CONTENT_TYPE_LATEST,
    )
