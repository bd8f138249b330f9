"""
A kept database connection is checked before a request's first query
without a round trip while the server has said nothing on it; one the
server has closed is found out and opened again (newsroom.postgresql).
"""

import select

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql import base

from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's"),
]


@pytest.fixture
def round_trips(monkeypatch):
    """Django's health check (`SELECT 1`) each time it runs."""
    checks = []
    original = base.DatabaseWrapper.is_usable

    def is_usable(self):
        checks.append(self.alias)
        return original(self)

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", is_usable)
    return checks


def next_request():
    """What Django does between requests: the kept connection is checked again."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


def read_once():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()


def test_a_kept_connection_the_server_said_nothing_on_is_used_without_a_round_trip(
    round_trips,
):
    read_once()
    next_request()
    backend = connection.connection.info.backend_pid
    assert read_once() == (1,)
    assert round_trips == []
    assert connection.connection.info.backend_pid == backend  # the same one


def test_a_connection_the_server_closed_is_opened_again_before_a_page_reads(
    client, round_trips
):
    article = make_article(title="Still here")
    read_once()
    backend = connection.connection.info.backend_pid
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    # The server's goodbye arrives on the socket.
    socket = connection.connection.pgconn.socket
    assert select.select([socket], [], [], 5)[0]
    next_request()  # the test client leaves it to the test
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still here" in response.text
    assert round_trips  # Django's own check ran, and failed
    assert connection.connection.info.backend_pid != backend


def test_a_connection_left_in_a_transaction_gets_django_s_check(round_trips):
    read_once()
    next_request()
    connection.connection.execute("BEGIN")
    try:
        connection.close_if_health_check_failed()
        assert round_trips == ["default"]
    finally:
        connection.connection.execute("ROLLBACK")
