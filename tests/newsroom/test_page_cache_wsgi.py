"""
The WSGI entry point answers page-cache hits before Django builds a request:
no middleware, URL resolving or request signal runs for them, and what it
sends is what Django sent when it rendered the page. Everything else goes
through Django as usual.
"""

import io
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from newsroom.cache.pages import PageCacheWSGIHandler
from tests.articles.test_page_cache import _page_cache  # noqa: F401
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def environ(path, method="GET", **headers):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }


class Server:
    """Calls the WSGI application as a server would; counts what reached Django."""

    def __init__(self):
        self.application = PageCacheWSGIHandler()
        self.reached_django = 0
        request_started.connect(self.started)

    def started(self, **kwargs):
        self.reached_django += 1

    def get(self, path, method="GET", **headers):
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(headers)

        body = self.application(environ(path, method, **headers), start_response)
        try:
            answer["body"] = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return answer


@pytest.fixture
def server():
    # As Django's test client does: the test's transaction outlives requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = Server()
    try:
        yield server
    finally:
        request_started.disconnect(server.started)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_hit_is_sent_before_django_builds_a_request(
    server, django_assert_num_queries
):
    url = make_article(title="Harbour plan approved").get_absolute_url()
    first = server.get(url)
    assert server.reached_django == 1
    with django_assert_num_queries(0):
        hit = server.get(url)
    assert server.reached_django == 1  # no request, middleware or signal
    assert hit["status"] == 200
    assert hit["body"] == first["body"]
    assert b"Harbour plan approved" in hit["body"]
    assert "Age" in hit["headers"]
    for name, value in first["headers"].items():
        if name != "X-Accel-Expires":  # the second it was sent in
            assert hit["headers"][name] == value, name


def test_a_hit_for_head_sends_the_headers_only(server):
    url = make_article().get_absolute_url()
    first = server.get(url)
    head = server.get(url, method="HEAD")
    assert server.reached_django == 1
    assert head["body"] == b""
    assert head["headers"]["Content-Length"] == str(len(first["body"]))


def test_each_encoding_is_its_own_hit(server):
    url = make_article().get_absolute_url()
    packed = server.get(url, accept_encoding="gzip, br")
    plain = server.get(url)
    assert server.reached_django == 2
    hit = server.get(url, accept_encoding="gzip")
    assert hit["body"] == packed["body"]
    assert hit["headers"]["Content-Encoding"] == "gzip"
    assert hit["headers"]["ETag"] == packed["headers"]["ETag"]
    assert "Content-Encoding" not in server.get(url)["headers"]
    assert server.reached_django == 2
    assert plain["body"] != packed["body"]


def test_conditional_requests_go_through_django_and_get_304(server):
    url = make_article().get_absolute_url()
    etag = server.get(url)["headers"]["ETag"]
    answer = server.get(url, if_none_match=etag)
    assert server.reached_django == 2
    assert answer["status"] == 304
    assert answer["body"] == b""


def test_a_session_cookie_goes_through_django(server):
    url = make_article().get_absolute_url()
    server.get(url)
    server.get(url, cookie="theme=dark; sessionid=abc")
    assert server.reached_django == 2
    server.get(url, cookie="theme=dark")
    assert server.reached_django == 2


class KeyRecordingLocMemCache(LocMemCache):
    """A local-memory cache that records every key it is asked for."""

    keys = []

    def get(self, key, *args, **kwargs):
        self.keys.append(key)
        return super().get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.keys.extend(keys)
        return super().get_many(keys, *args, **kwargs)


def test_static_files_are_not_looked_up_in_the_page_cache(server, settings):
    """
    Whether or not the file is there to serve (a checkout without
    collectstatic sends the request on to Django's 404), no page is looked
    for under a static path.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.KeyRecordingLocMemCache",
            "LOCATION": f"keys-{uuid.uuid4().hex}",
        }
    }
    KeyRecordingLocMemCache.keys.clear()
    url = make_article().get_absolute_url()
    server.get(url)
    assert any(key.startswith("pages:page:") for key in KeyRecordingLocMemCache.keys)
    KeyRecordingLocMemCache.keys.clear()
    server.get(f"/{settings.STATIC_URL.strip('/')}/newsroom/css/site.css")
    assert not [
        key for key in KeyRecordingLocMemCache.keys if key.startswith("pages:page:")
    ]


def test_with_the_page_cache_off_every_request_goes_through_django(server, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = make_article().get_absolute_url()
    server.get(url)
    server.get(url)
    assert server.reached_django == 2


def test_the_project_serves_through_it():
    from newsroom.wsgi import application

    assert isinstance(application, PageCacheWSGIHandler)
