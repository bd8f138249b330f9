"""
Two real application server processes sharing one database and one Redis:
a change saved anywhere shows on the next request to either of them.
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


def start_server(port, prefix, log_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "300",
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


@pytest.fixture
def two_servers(shared_redis, tmp_path):
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(start_server(port, shared_redis, tmp_path / "servers.log"))
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
