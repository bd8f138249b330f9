"""
Time the search page in-process (Django's test client, no network) against the
database in DATABASE_URL over a fixed set of 20 queries: single words common
and rare, phrases, `or`, `-word`, byline names, filters, misspellings (which
add "Did you mean") and a second page. Each query is run `--rounds` times after
one warm-up; the median and 95th percentile are over every timed request.
Fill that database first, e.g. `manage.py load_demo --articles 100000`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/search.py
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article  # noqa: E402

QUERIES = [
    {"q": "flood"},
    {"q": "homes"},
    {"q": "council approves plan"},
    {"q": "trad festival"},
    {"q": '"flood scheme"'},
    {"q": '"sea swimming"'},
    {"q": "jobs or factory"},
    {"q": "hospital trolleys"},
    {"q": "homes -flood"},
    {"q": "Brennan"},
    {"q": "Ó Murchú"},
    {"q": "farm policy Europe"},
    {"q": "Kilrush"},
    {"q": "Galway", "section": "sport"},
    {"q": "budget", "kind": "opinion"},
    {"q": "Westport collision", "start": "2020-01-01"},
    {"q": "festval"},
    {"q": "Loughrae flod"},
    {"q": "zzyzx quorble"},
    {"q": "homes", "page": "3"},
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    count = Article.objects.published().count()
    print(f"{connection.vendor}, {count} live articles, {len(QUERIES)} queries")
    setup_test_environment()  # so that responses carry their context
    client = Client()
    url = reverse("articles:search")
    timings = []
    for params in QUERIES:
        response = client.get(url, params)  # warm-up
        if response.status_code != 200:
            sys.exit(f"{params}: status {response.status_code}")
        own = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            client.get(url, params)
            own.append(time.perf_counter() - started)
        timings.extend(own)
        total = response.context["paginator"].count
        print(f"  {statistics.median(own) * 1000:7.1f} ms  {total:6} results  {params}")
    median = statistics.median(timings) * 1000
    p95 = percentile(timings, 0.95) * 1000
    print(
        f"search page over {len(timings)} requests: "
        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {max(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
