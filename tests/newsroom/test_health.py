"""
Health checks and the database outage: liveness touches nothing, readiness
reports PostgreSQL (required) and Redis (not required), and with the
database unreachable readers get a branded 503 page, unless the page cache
has their page, and everything recovers by itself when it returns.

"Unreachable" is made for real: the default connection is pointed at a
local port where nothing listens (PostgreSQL) or at a file in a folder that
does not exist (SQLite), and put back afterwards.
"""

import time
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests.factories import make_article
from tests.faults import HangingListener, closed_port

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_unreachable():
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/newsroom.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def hanging_cache(listener):
    return {
        "default": {
            "BACKEND": "newsroom.cache.backends.CircuitBreakerRedisCache",
            "LOCATION": listener.url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


@pytest.fixture
def reader():
    """A client that gets the error page rather than the exception."""
    return Client(raise_request_exception=False)


def test_liveness_answers_without_touching_the_database_or_cache(reader, settings):
    with HangingListener() as hanging, database_unreachable():
        settings.CACHES = hanging_cache(hanging)
        response = reader.get("/healthz/live")
        time.sleep(0.05)
        assert hanging.received == 0
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_reports_the_database_and_the_cache(reader):
    response = reader.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_when_the_database_is_unreachable(reader):
    with database_unreachable():
        started = time.perf_counter()
        response = reader.get("/healthz/ready")
        elapsed = time.perf_counter() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"].startswith("unavailable")
    assert elapsed < 2  # refused at once; the bound keeps the test honest


def test_readiness_stays_ready_with_redis_hanging(reader, settings):
    """Redis is reported, not required: pages work without it."""
    with HangingListener() as hanging:
        settings.CACHES = hanging_cache(hanging)
        response = reader.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["status"] != "ok"


def test_reading_pages_answer_a_branded_503_while_the_database_is_down(reader):
    article = make_article()
    with database_unreachable():
        pages = [reader.get(url) for url in ("/", article.get_absolute_url())]
    for response in pages:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "We will be back in a moment" in response.text
        assert "The Newsroom Herald" in response.text
        assert "Traceback" not in response.text
        assert "OperationalError" not in response.text


def test_the_page_cache_keeps_serving_its_pages_while_the_database_is_down(
    reader, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    article = make_article()
    assert reader.get(article.get_absolute_url()).status_code == 200
    with database_unreachable():
        cached = reader.get(article.get_absolute_url())
        uncached = reader.get("/")
    assert cached.status_code == 200
    assert article.title in cached.text
    assert uncached.status_code == 503


def test_everything_recovers_by_itself_when_the_database_returns(reader):
    article = make_article()
    with database_unreachable():
        assert reader.get("/healthz/ready").status_code == 503
        assert reader.get(article.get_absolute_url()).status_code == 503
    assert reader.get("/healthz/ready").status_code == 200
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.text
