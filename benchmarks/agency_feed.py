"""
Time taking an agency's feed in, against the database in DATABASE_URL: a
ninjs feed of `--items` stories (made here, without pictures) is read and
taken in three times, as the timer would: first all new, then all
unchanged, then all changed at the agency (updated). Prints the time and
the queries of each run; what it made is deleted at the end.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/agency_feed.py
    .venv/bin/python benchmarks/agency_feed.py --items 2000
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from articles.agency import read_feed, take_in  # noqa: E402
from articles.models import Article, Author, ImportRecord, Section  # noqa: E402

AGENCY = "Benchmark Wire"
PARAGRAPH = (
    "<p>The council met on Tuesday to discuss the harbour plan, which has "
    "been delayed twice since the spring, and agreed to hear objections.</p>"
)


def feed(items, version):
    return json.dumps(
        {
            "items": [
                {
                    "uri": f"urn:benchmark:{n}",
                    "type": "text",
                    "headlines": [{"role": "main", "value": f"Story {n} ({version})"}],
                    "descriptions": [{"role": "summary", "value": f"Summary {n}."}],
                    "bodies": [{"contenttype": "text/html", "value": PARAGRAPH * 12}],
                    "subjects": [{"name": "Politics"}, {"name": f"Topic {n % 20}"}],
                }
                for n in range(items)
            ]
        }
    ).encode()


def run(data, section, label, items):
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(None)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(counted):
        outcome = take_in(read_feed(data), section, AGENCY)
    seconds = time.perf_counter() - start
    print(
        f"{label:<10} {seconds:7.2f} s  {seconds / items * 1000:6.1f} ms a story  "
        f"{len(queries) / items:5.1f} queries a story  ({outcome})"
    )


def clean_up():
    records = ImportRecord.objects.filter(source=f"agency:{AGENCY}")
    Article.objects.filter(pk__in=records.values("object_id")).delete()
    records.delete()
    Author.objects.filter(name=AGENCY).delete()
    Section.objects.filter(slug="benchmark-agency").delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=500)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clean_up()
    section = Section.objects.create(name="Benchmark agency", slug="benchmark-agency")
    print(f"{connection.vendor}, {args.items} stories a feed")
    try:
        first = feed(args.items, "first")
        run(first, section, "new", args.items)
        run(first, section, "unchanged", args.items)
        run(feed(args.items, "second"), section, "updated", args.items)
    finally:
        clean_up()


if __name__ == "__main__":
    main()
