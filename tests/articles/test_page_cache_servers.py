"""
Two real application server processes sharing one database and one Redis:
a change saved anywhere shows on the next request to either of them; with
MEDIA_STORAGE=s3 and no disk in common, so does a picture uploaded through
either one's admin. And two processes on one machine without Redis, each
keeping pages and parts in its own memory: the content version file they
share makes a change show on the next request to either.
"""

import os
import re
import sys
import urllib.request
import uuid
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup

from articles.models import Image
from tests import s3
from tests.admin_over_http import StaffBrowser
from tests.articles.test_media_storage_s3 import page_picture_urls
from tests.factories import image_bytes, make_article, make_editor
from tests.servers import database_url, free_port, start, stop, wait_until_answering

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


def fetch(url, headers=None):
    with urllib.request.urlopen(url, timeout=10) as response:
        if headers is not None:
            headers.update(response.headers)
        return response.read().decode()


def start_server(port, prefix, log_path, environment=()):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "300",
        **dict(environment),
    }
    return start(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        log_path,
        env,
    )


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


@contextmanager
def running_servers(prefix, log_path, environments):
    """One server process for each of `environments`; their base URLs."""
    servers, bases = [], []
    try:
        for environment in environments:
            port = free_port()
            servers.append(start_server(port, prefix, log_path, environment))
            bases.append(f"http://127.0.0.1:{port}")
        for server, base in zip(servers, bases, strict=True):
            wait_until_answering(base + "/robots.txt", [server])
        yield bases
    finally:
        stop(*servers)


@pytest.fixture
def two_servers(shared_redis, tmp_path):
    with running_servers(shared_redis, tmp_path / "servers.log", [{}, {}]) as bases:
        yield bases


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


@pytest.fixture
def two_processes_without_redis(settings, tmp_path):
    """Each with its own local-memory cache; all share this test's version file."""
    settings.PAGE_CACHE_SECONDS = 300
    without_redis = {
        "REDIS_URL": "",  # empty is unset
        "CONTENT_VERSION_FILE": settings.CONTENT_VERSION_FILE,
        "FRAGMENT_CACHE_SECONDS": "86400",
    }
    with running_servers(
        "unused", tmp_path / "servers.log", [without_redis, without_redis]
    ) as bases:
        yield bases


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


@pytest.fixture
def two_servers_on_s3(shared_redis, s3_server, tmp_path):
    """
    Two servers storing pictures in one bucket, each with a media folder of
    its own (which must stay empty); the bucket and the servers' base URLs.
    """
    bucket = s3.new_bucket(s3_server)
    environments = [
        {**bucket.environment(), "MEDIA_ROOT": str(tmp_path / f"media-{n}")}
        for n in range(2)
    ]
    with running_servers(shared_redis, tmp_path / "servers.log", environments) as bases:
        yield bucket, bases


def test_a_picture_uploaded_through_one_server_shows_on_the_other(
    two_servers_on_s3, tmp_path, settings
):
    bucket, (server_a, server_b) = two_servers_on_s3
    # Hashed as the servers check it (the tests' own fast hasher is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_editor("picture-editor")
    staff = StaffBrowser(server_a)
    staff.sign_in("picture-editor", "correct horse battery")
    url, page = staff.upload(
        "/admin/articles/image/add/",
        {
            "alt_text": "Trawlers tied up at the harbour wall",
            "caption": "The fleet stayed in port.",
            "credit": "Staff photographer",
            "focal_point_x": "0.5",
            "focal_point_y": "0.5",
            "_save": "Save",
        },
        "file",
        "trawlers.jpg",
        image_bytes(1600, 900),
    )
    assert url.endswith("/admin/articles/image/"), page
    image = Image.objects.get(alt_text="Trawlers tied up at the harbour wall")
    assert image.file.name in bucket.names()
    assert image.rendition_index
    article = make_article(title="Fleet stays in port", lead_image=image)

    headers = {}
    with urllib.request.urlopen(
        server_b + article.get_absolute_url(), timeout=30
    ) as response:
        headers.update(response.headers)
        html = response.read().decode()

    assert "Fleet stays in port" in html
    picture = BeautifulSoup(html, "html.parser").select_one(
        'img[alt="Trawlers tied up at the harbour wall"]'
    )
    assert picture is not None
    urls = page_picture_urls(html)
    bucket_base = f"{bucket.endpoint}/{bucket.name}/"
    assert all(url.startswith(bucket_base) for url in urls), urls
    with urllib.request.urlopen(picture["src"], timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        body = response.read()
    assert body == bucket.read(picture["src"].removeprefix(bucket_base))
    img_src = re.search(r"img-src ([^;]*)", headers["Content-Security-Policy"])[1]
    assert bucket.endpoint in img_src.split()
    # Neither server kept a file of its own.
    assert not [p for p in tmp_path.glob("media-*/**/*") if p.is_file()]
