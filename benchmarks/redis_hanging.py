"""
Page times with Redis hanging (a listener that accepts connections and never
answers), before and after the cache's circuit breaker, beside the same
pages with no cache at all (the uncached time) and with a working Redis.

In-process through Django's test client, against the database in
DATABASE_URL (fill it first with `manage.py load_demo`):

    .venv/bin/python benchmarks/redis_hanging.py
    .venv/bin/python benchmarks/redis_hanging.py --requests 20
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.faults import HangingListener  # noqa: E402

OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
BREAKER = "newsroom.cache.backends.CircuitBreakerRedisCache"


def caches(backend, location, **options):
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "KEY_PREFIX": f"bench-{time.time_ns()}",
            "OPTIONS": {**OPTIONS, **options},
        }
    }


def p50(client, url, requests):
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    options = parser.parse_args()
    # Every failing cache call logs a warning; the figures are what matter.
    logging.disable(logging.WARNING)

    article = Article.objects.published().latest_first().first()
    if article is None:
        sys.exit("No live article: run `manage.py load_demo` first.")
    urls = {"home": reverse("articles:home"), "article": article.get_absolute_url()}
    client = Client(secure=True)
    print(
        f"Redis hanging: {connection.vendor}, p50 of {options.requests} requests, "
        "socket time-outs 0.25 s, page cache on (anonymous reader)"
    )
    with HangingListener() as hanging:
        setups = {
            "uncached (no cache at all)": (
                {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
                0,
            ),
            "working Redis, no page cache": (
                caches(BREAKER, options.redis),
                0,
            ),
            "before: Redis hanging, no breaker": (
                caches("newsroom.cache.backends.ResilientRedisCache", hanging.url),
                300,
            ),
            "after: Redis hanging, circuit breaker": (
                caches(BREAKER, hanging.url, breaker_seconds=5),
                300,
            ),
        }
        for label, (cache_settings, seconds) in setups.items():
            with override_settings(CACHES=cache_settings, PAGE_CACHE_SECONDS=seconds):
                for url in urls.values():  # connections and templates warm
                    client.get(url)
                figures = ", ".join(
                    f"{name} {p50(client, url, options.requests):7.1f} ms"
                    for name, url in urls.items()
                )
            print(f"  {label:40} {figures}")


if __name__ == "__main__":
    main()
