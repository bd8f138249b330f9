"""
Time the reading pages in-process (Django's test client, no network) against
the database in DATABASE_URL, and count their queries: first rendered each
time, then as an anonymous reader's cached hits (newsroom.cache).
Fill that database first, e.g. `manage.py load_demo --articles 100000`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/reading_pages.py
    .venv/bin/python benchmarks/reading_pages.py --requests 50
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Author  # noqa: E402


class QueryCounter:
    """
    A database execute wrapper that counts the statements it sees and the
    seconds they take (sent, run and their rows received).
    """

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    def __len__(self):
        return self.count


def reader_urls():
    live = Article.objects.published()
    article = live.select_related("section").latest_first().first()
    if article is None:
        sys.exit("No live article: run `manage.py load_demo` first.")
    author = Author.objects.filter(articles__in=live).order_by("pk").first()
    tag = Tag.objects.filter(articles_taggedarticle_items__content_object__in=live)
    tag = tag.order_by("pk").first()
    urls = {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "section p.50": article.section.get_absolute_url() + "?page=50",
        "article": article.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=council",
        "feed": reverse("articles:feed"),
    }
    if tag:
        urls["tag"] = reverse("articles:tag", args=[tag.slug])
    return urls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()

    client = Client(secure=True)
    count = Article.objects.published().count()
    print(
        f"reading pages: {connection.vendor}, {count:,} live articles, "
        f"{options.requests} requests a page, DEBUG={settings.DEBUG}, "
        f"{os.cpu_count()} CPUs"
    )
    urls = reader_urls()
    # Rendered every time, then served from the page cache (newsroom.cache):
    # an anonymous reader's second request of a page.
    for heading, page_cache_seconds in (("rendered", 0), ("cached hits", 300)):
        settings.PAGE_CACHE_SECONDS = page_cache_seconds
        print(f"{heading}:")
        print(
            f"  {'page':<14}{'status':>7}{'queries':>9}{'median ms':>11}{'p95 ms':>9}"
        )
        for name, url in urls.items():
            if page_cache_seconds:
                client.get(url)
            measure(client, name, url, options.requests)


def measure(client, name, url, requests):
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    print(
        f"  {name:<14}{response.status_code:>7}{len(queries):>9}"
        f"{statistics.median(timings):>11.1f}{p95:>9.1f}"
    )


if __name__ == "__main__":
    main()
