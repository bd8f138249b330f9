"""
Time the article admin as each role sees it, against the database in
DATABASE_URL: the change list for an Editor linked to an Author (own
bylines first), for a Writer (own articles only), and the desk's lists
(awaiting review, going live in the next 24 hours), with their queries
counted. It makes its accounts and removes them at the end. Fill the
database first, e.g. `manage.py load_demo --articles 100000`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/workflow.py
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

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles import roles  # noqa: E402
from articles.models import Article, Author  # noqa: E402


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


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


def account(username, role, author):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    author.user = user
    author.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return user, client


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    roles.ensure_roles()
    prolific = list(
        Author.objects.filter(user__isnull=True)
        .annotate(n=Count("bylines"))
        .order_by("-n")[:2]
    )
    if len(prolific) < 2:
        sys.exit("Too few authors: run `manage.py load_demo --articles 100000` first.")
    print(
        f"{Article.objects.count():,} articles on {connection.vendor}; "
        f"{prolific[0].name} has {prolific[0].n:,} bylines, "
        f"{prolific[1].name} {prolific[1].n:,}"
    )
    made = []
    try:
        editor, editor_client = account("benchmark-editor", roles.EDITOR, prolific[0])
        writer, writer_client = account("benchmark-writer", roles.WRITER, prolific[1])
        made = [(editor, prolific[0]), (writer, prolific[1])]
        desk = User.objects.create_user("benchmark-desk", is_staff=True)
        desk.groups.add(Group.objects.get(name=roles.EDITOR))
        made.append((desk, None))
        desk_client = Client()
        desk_client.force_login(desk)
        changelist = reverse("admin:articles_article_changelist")
        pages = [
            ("editor: change list", editor_client, changelist),
            ("editor, no byline: list", desk_client, changelist),
            ("editor: awaiting review", editor_client, changelist + "?desk=review"),
            ("editor: next 24 hours", editor_client, changelist + "?desk=next24"),
            ("writer: change list", writer_client, changelist),
            ("writer: my drafts", writer_client, changelist + "?desk=mine"),
        ]
        for name, client, url in pages:
            ms, queries = measure(client, url, args.requests)
            print(f"{name:26} {ms:8.1f} ms median  {queries:3} queries")
    finally:
        for user, author in made:
            if author is not None:
                author.user = None
                author.save(update_fields=["user"])
            user.delete()


if __name__ == "__main__":
    main()
