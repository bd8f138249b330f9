"""
Where a reading page's time goes, in-process, against the database in
DATABASE_URL (fill it with `manage.py load_demo`): for the home, article
and section pages, rendered with the page cache off,

- cold: the first render with every cache empty (as after a publish),
- warm: the median of --requests renders with the other caches warm,
- the time in SQL and in template rendering, and
- the functions that took the most time of their own (cProfile).

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/profile_pages.py
"""

import argparse
import cProfile
import pstats
import statistics
import time

import in_process

in_process.start()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import base as template_base  # noqa: E402
from django.test import Client  # noqa: E402
from reading_pages import reader_urls  # noqa: E402

PAGES = ("home", "article", "section")


class SQLTimer:
    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def timed(client, url):
    sql = SQLTimer()
    with connection.execute_wrapper(sql):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, sql.seconds * 1000, sql.count, cpu * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--top", type=int, default=12, help="functions to list (0: no profile)"
    )
    options = parser.parse_args()
    client = Client(secure=True)
    urls = reader_urls()
    print(f"{connection.vendor}, page cache off, {options.requests} renders a page")
    # CPU time of this process (Python: Django, templates, the driver) is
    # steadier than wall time on a busy machine; SQL is the wall time spent
    # waiting for the database.
    print(
        f"{'page':<9}{'cold ms':>9}{'warm ms':>9}{'cold CPU':>10}{'warm CPU':>10}"
        f"{'SQL ms':>8}{'queries':>9}"
    )
    for name in PAGES:
        url = urls[name]
        client.get(url)  # imports, URL patterns, template loading
        cache.clear()
        cold, _, _, cold_cpu = timed(client, url)
        runs = [timed(client, url) for _ in range(options.requests)]
        warm = statistics.median(r[0] for r in runs)
        warm_cpu = statistics.median(r[3] for r in runs)
        sql = statistics.median(r[1] for r in runs)
        print(
            f"{name:<9}{cold:>9.1f}{warm:>9.1f}{cold_cpu:>10.1f}{warm_cpu:>10.1f}"
            f"{sql:>8.1f}{runs[0][2]:>9}"
        )
    for name in PAGES if options.top else ():
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.requests):
            client.get(urls[name])
        profile.disable()
        stats = pstats.Stats(profile)
        total = stats.total_tt
        render = next(
            (
                value[3]
                for func, value in stats.stats.items()
                if func[2] == "render" and func[0] == template_base.__file__
            ),
            0,
        )
        print(
            f"\n{name}: {total / options.requests * 1000:.1f} ms a render under "
            f"the profiler, {render / total:.0%} inside Template.render"
        )
        stats.sort_stats("tottime").print_stats(options.top)


if __name__ == "__main__":
    main()
