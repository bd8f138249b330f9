"""
EXPLAIN (ANALYZE) every query the public pages run, against the PostgreSQL
database in DATABASE_URL, and fail when one reads a large table in full or
reads more rows than a page can need. Run it on a big archive:

    DATABASE_URL=postgres://…/newsroom_100k .venv/bin/python manage.py \\
        load_demo --articles 100000
    DATABASE_URL=postgres://…/newsroom_100k .venv/bin/python benchmarks/explain.py

Prints, per page, each query's plan root, the rows it read and its time;
exits non-zero with one line per offending query.
"""

import json
import sys

import in_process

in_process.start()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from reading_pages import reader_urls  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.kept import forget_everything_kept  # noqa: E402

# A sequential scan of a table with more rows than this is a failure (the
# planner rightly reads a small table, such as the demo's 24 pictures, whole).
LARGE_TABLE_ROWS = 10_000
# Rows a page may read from a large table: a page of cards, the bounded
# count of a list (50 pages of 20), the related-reading candidates.
MAX_ROWS = 2_000
# Search reads matches by design, ranked by relevance; it is not a list page.
NOT_LIST_PAGES = {"search"}


def walk(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from walk(child)


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (row,) = cursor.fetchone()
    result = row[0] if isinstance(row, list) else json.loads(row)[0]
    return result["Plan"], result["Execution Time"]


def sent_into(queries):
    """An execute wrapper noting each statement and its values in `queries`."""

    def sent(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    return sent


def main():
    if connection.vendor != "postgresql":
        sys.exit("explain.py needs PostgreSQL: set DATABASE_URL.")
    live = Article.objects.published().count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        large = {name for (name,) in cursor.fetchall()}
    print(
        f"EXPLAIN of the public pages: {live:,} live articles; tables over "
        f"{LARGE_TABLE_ROWS:,} rows: {', '.join(sorted(large))}"
    )
    client = Client(secure=True)
    failures = []
    for name, url in reader_urls().items():
        client.get(url)  # warm the connection and Python's caches
        # Cold: every query the page can run, none answered by a kept part.
        forget_everything_kept()
        # Each statement as it was sent, with its values apart: Django's
        # query log writes a prepared statement as "QUERY = … - PARAMS = …"
        # and the cards' sent-ahead one with placeholders, neither of which
        # EXPLAIN can run.
        queries = []
        with connection.execute_wrapper(sent_into(queries)):
            status = client.get(url).status_code
        print(f"\n{name} {url} ({status}, {len(queries)} queries)")
        queries = [
            (sql, params)
            for sql, params in queries
            if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        for number, (sql, params) in enumerate(queries, 1):
            plan, ms = explain(sql, params)
            nodes = list(walk(plan))
            seq = [
                n["Relation Name"]
                for n in nodes
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in large
            ]
            # What a scan read: the rows it passed on and those its filter
            # dropped (a scan of the whole table that keeps 8 rows read all).
            read = max(
                (
                    (n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0))
                    * n.get("Actual Loops", 1)
                    for n in nodes
                    if n.get("Relation Name") in large
                ),
                default=0,
            )
            tables = sorted({n["Relation Name"] for n in nodes if "Relation Name" in n})
            print(
                f"  {number:2}. {ms:7.2f} ms  rows read ≤ {read:6,}  "
                f"{plan['Node Type']}: {', '.join(tables)}"
                + (f"  SEQ SCAN {', '.join(seq)}" if seq else "")
            )
            if name in NOT_LIST_PAGES:
                continue
            if seq:
                failures.append(f"{name} query {number}: sequential scan of {seq}")
            if read > MAX_ROWS:
                failures.append(f"{name} query {number}: read {read:,} rows")
    if failures:
        print()
        for failure in failures:
            print("FAIL", failure)
        sys.exit(1)
    print("\nEvery reading page query uses an index and reads a bounded number of rows")


if __name__ == "__main__":
    main()
