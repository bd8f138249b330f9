"""
Time the article admin on an archive with many revisions, against the
database in DATABASE_URL: gives every article one revision and the newest
`--busy` articles `--per-article` each, then times the change list, a busy
article's change form, its revision list and a comparison, and counts their
queries. The revisions it added are deleted at the end. Fill the database
first, e.g. `manage.py load_demo --articles 100000`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/revisions.py
    .venv/bin/python benchmarks/revisions.py --busy 200 --per-article 20
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles import revisions  # noqa: E402
from articles.models import Article, Revision  # noqa: E402

MARK = "benchmarks/revisions.py"


class QueryCounter:
    """A database execute wrapper that counts the statements it sees."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def add_revisions(busy, per_article):
    ids = list(Article.objects.order_by("-pk").values_list("pk", flat=True))
    if not ids:
        sys.exit("No article: run `manage.py load_demo --articles 100000` first.")
    content = revisions.snapshot(Article.objects.get(pk=ids[0]))
    start = timezone.now() - timedelta(days=30)
    batch = []
    for index, pk in enumerate(ids):
        for n in range(per_article if index < busy else 1):
            batch.append(
                Revision(
                    article_id=pk,
                    content=content,
                    comment=MARK,
                    created_at=start + timedelta(minutes=n),
                )
            )
        if len(batch) >= 5000:
            Revision.objects.bulk_create(batch)
            batch = []
    Revision.objects.bulk_create(batch)
    return ids


def measure(client, url, repeat):
    timings, counter = [], QueryCounter()
    for _ in range(repeat):
        counter.count = 0
        with connection.execute_wrapper(counter):
            began = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, counter.count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busy", type=int, default=1000)
    parser.add_argument("--per-article", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    began = time.perf_counter()
    ids = add_revisions(args.busy, args.per_article)
    added = Revision.objects.filter(comment=MARK).count()
    print(
        f"{len(ids):,} articles, {added:,} revisions added "
        f"({args.per_article} each on the newest {args.busy:,}) "
        f"in {time.perf_counter() - began:.1f} s on {connection.vendor}"
    )
    user, _ = User.objects.get_or_create(
        username="benchmark-revisions", defaults={"is_staff": True}
    )
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    try:
        busy = ids[0]
        newest, older = Revision.objects.filter(article_id=busy).order_by("-pk")[:2]
        pages = {
            "change list": reverse("admin:articles_article_changelist"),
            "change form": reverse("admin:articles_article_change", args=[busy]),
            "revision list": reverse("admin:articles_article_revisions", args=[busy]),
            "comparison": reverse(
                "admin:articles_article_revision_compare", args=[busy]
            )
            + f"?a={older.pk}&b={newest.pk}",
        }
        for name, url in pages.items():
            ms, queries = measure(client, url, args.requests)
            print(f"{name:14} {ms:8.1f} ms median  {queries:3} queries")
        if connection.vendor == "postgresql":
            plan = Revision.objects.filter(article_id=busy)[:50].explain()
            print("revision list plan:", plan.splitlines()[1].strip())
    finally:
        Revision.objects.filter(comment=MARK).delete()
        user.delete()


if __name__ == "__main__":
    main()
