"""
Two real application server processes sharing one database and one Redis:
a change saved anywhere shows on the next request to either of them. And two
processes on one machine without Redis, each keeping pages and parts in its
own memory: the content version file they share makes a change show on
the next request to either.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from django.conf import settings as django_settings

from tests.factories import make_article
from tests.subscriptions.test_newsletter_worker import database_url

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    with urllib.request.urlopen(url, timeout=10) as response:
        if headers is not None:
            headers.update(response.headers)
        return response.read().decode()


def start_server(port, log_path, **settings_env):
    env = {
        **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
        "DATABASE_URL": database_url(),
        "PAGE_CACHE_SECONDS": "300",
        **settings_env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(server, base):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            fetch(base + "/robots.txt")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} never answered")


@pytest.fixture
def shared_redis(settings):
    """This process and the servers use one Redis, under a key prefix of their own."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    return prefix


def serving(tmp_path, **settings_env):
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(start_server(port, tmp_path / "servers.log", **settings_env))
            bases.append(f"http://127.0.0.1:{port}")
        for server, base in zip(servers, bases, strict=True):
            wait_until_serving(server, base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture
def two_servers(shared_redis, tmp_path):
    yield from serving(tmp_path, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=shared_redis)


@pytest.fixture
def two_processes_without_redis(settings, tmp_path):
    """Each with its own local-memory cache; all share this test's version file."""
    settings.PAGE_CACHE_SECONDS = 300
    yield from serving(
        tmp_path,
        CONTENT_VERSION_FILE=settings.CONTENT_VERSION_FILE,
        FRAGMENT_CACHE_SECONDS="86400",
    )


def test_two_servers_sharing_redis_both_show_a_published_change_next_request(
    two_servers,
):
    article = make_article(title="Harbour plan approved")
    for base in two_servers:
        for url in (base + article.get_absolute_url(), base + "/"):
            assert "Harbour plan approved" in fetch(url)
            headers = {}
            assert "Harbour plan approved" in fetch(url, headers)
            assert "Age" in headers  # served from the page cache

    article.title = "Harbour plan withdrawn"
    article.save()

    for base in two_servers:
        for url in (base + article.get_absolute_url(), base + "/"):
            page = fetch(url)
            assert "Harbour plan withdrawn" in page
            assert "Harbour plan approved" not in page


def test_processes_without_redis_each_keep_pages_yet_show_a_change_next_request(
    two_processes_without_redis,
):
    article = make_article(title="Ferry timetable cut")
    urls = [
        base + path
        for base in two_processes_without_redis
        for path in (
            article.get_absolute_url(),
            "/",
            article.section.get_absolute_url(),
        )
    ]
    for url in urls:
        assert "Ferry timetable cut" in fetch(url)
        headers = {}
        assert "Ferry timetable cut" in fetch(url, headers)
        assert "Age" in headers  # kept in that process's own memory

    article.title = "Ferry timetable restored"
    article.save()  # from this process: it bumps the shared version file

    for url in urls:
        page = fetch(url)
        assert "Ferry timetable restored" in page
        assert "Ferry timetable cut" not in page
