"""
Readiness and reading pages with PostgreSQL unreachable, and how soon they
recover: the database refusing connections (a closed port), then hanging
(a listener that accepts and never answers), then back.

In-process through Django's test client, against the PostgreSQL database in
DATABASE_URL (fill it first with `manage.py load_demo`):

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/database_down.py
"""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tests.faults import HangingListener, closed_port  # noqa: E402


@contextmanager
def pointed_at(port):
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    return response, (time.perf_counter() - started) * 1000


def main():
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    logging.disable(logging.CRITICAL)  # the outage's tracebacks go to the log
    settings.DEBUG = False  # readers' error pages, not the debug page
    client = Client(raise_request_exception=False)
    print(
        "PostgreSQL unreachable: connect_timeout "
        f"{connection.settings_dict['OPTIONS'].get('connect_timeout')} s"
    )
    with HangingListener() as hanging:
        for label, port in (("refused", closed_port()), ("hanging", hanging.port)):
            with pointed_at(port):
                ready, ready_ms = timed(client, "/healthz/ready")
                page, page_ms = timed(client, "/")
            print(
                f"  {label:8} readiness {ready.status_code} in {ready_ms:6.0f} ms; "
                f"home {page.status_code} in {page_ms:6.0f} ms "
                f"(Retry-After {page.get('Retry-After')})"
            )
    back = time.perf_counter()
    while True:
        ready, _ = timed(client, "/healthz/ready")
        if ready.status_code == 200:
            break
    page, page_ms = timed(client, "/")
    print(
        f"  back     readiness 200 after {(time.perf_counter() - back) * 1000:.0f} ms; "
        f"home {page.status_code} in {page_ms:.0f} ms, no restart"
    )


if __name__ == "__main__":
    main()
