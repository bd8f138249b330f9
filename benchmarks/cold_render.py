"""
Time a cold render of the reading pages in-process (Django's test client, no
network) against the database in DATABASE_URL: each render preceded by
tests.kept.forget_everything_kept(), so no page, fragment, card or kept value
helps it, as right after a publish. Also the warm render (the kept parts
full, the page cache off). A standard (not live) article, home, a section,
an author and a tag; median and min of --renders, this process's CPU and
the time in the database's statements (medians: for the cards under the article, sent
ahead, the sending alone), queries and bytes.
Fill that database first, e.g. `manage.py load_demo`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/cold_render.py
"""

import argparse
import os
import statistics
import sys
import time

import in_process

in_process.start()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from reading_pages import QueryCounter  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.kept import forget_everything_kept  # noqa: E402


def reader_urls():
    """The pages timed: a standard article's, and the lists around it."""
    live = Article.objects.published()
    article = (
        live.filter(live_state="", lead_image__isnull=False, tagged_items__isnull=False)
        .select_related("section")
        .latest_first()
        .first()
    )
    if article is None:
        sys.exit("No live article: run `manage.py load_demo` first.")
    author = article.authors.order_by("pk").first()
    tag = Tag.objects.filter(articles_taggedarticle_items__content_object=article)
    tag = tag.order_by("pk").first()
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
    }


def render(client, url):
    """
    One render: milliseconds, queries, bytes, this process's CPU ms and the
    ms spent in the database's statements.
    """
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, queries.count, len(response.content), cpu, queries.seconds * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument(
        "--pages", default="home,article,section,author,tag", help="comma-separated"
    )
    options = parser.parse_args()
    client = Client(secure=True)
    urls = reader_urls()
    urls = {name: urls[name] for name in options.pages.split(",")}
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(
        f"cold render: {connection.vendor}, "
        f"{Article.objects.published().count():,} live articles, "
        f"{options.renders} renders a page, load {load}"
    )
    # This process's CPU time (Python: Django, templates, the driver) is
    # steadier than wall time on a busy machine.
    print(
        f"{'page':<9}{'cold med':>9}{'cold min':>9}{'cold CPU':>9}{'cold DB':>8}"
        f"{'queries':>8}"
        f"{'bytes':>8}{'warm med':>9}{'queries':>8}"
    )
    for name, url in urls.items():
        client.get(url)  # imports, URL patterns, template loading
        cold = []
        for _ in range(options.renders):
            forget_everything_kept()
            cold.append(render(client, url))
        warm = [render(client, url) for _ in range(options.renders)]
        times = [run[0] for run in cold]
        print(
            f"{name:<9}{statistics.median(times):>9.1f}{min(times):>9.1f}"
            f"{statistics.median(run[3] for run in cold):>9.1f}"
            f"{statistics.median(run[4] for run in cold):>8.2f}"
            f"{cold[-1][1]:>8}{cold[-1][2]:>8}"
            f"{statistics.median(run[0] for run in warm):>9.1f}{warm[-1][1]:>8}"
        )


if __name__ == "__main__":
    main()
