"""
How cached pages are served and what they tell caches along the way: a hit
is one cache round trip before any other middleware, sending the copy it
keeps (compressed or not) as it is; reading pages carry shared-cache
lifetimes that end at the next scheduled publication, a strong ETag, a
Last-Modified from the cache and 304 Not Modified; forms, previews and staff
pages are never stored anywhere.
"""

import gzip
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from newsroom.cache.pages import last_modified
from tests.articles.test_page_cache import _page_cache, cached_pages  # noqa: F401
from tests.factories import make_article, make_editor
from tests.subscriptions.factories import make_subscription

pytestmark = pytest.mark.django_db

READING_CACHE_CONTROL = (
    "public, max-age=60, s-maxage=300, stale-while-revalidate=1, stale-if-error=86400"
)


class CountingLocMemCache(LocMemCache):
    """
    A local-memory cache that counts its round trips (its get_many reads
    each key with get: one trip, as on Redis).
    """

    calls = []
    _in_get_many = False

    def get(self, *args, **kwargs):
        if not self._in_get_many:
            self.calls.append("get")
        return super().get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.calls.append("get_many")
        self._in_get_many = True
        try:
            return super().get_many(*args, **kwargs)
        finally:
            self._in_get_many = False

    def set(self, *args, **kwargs):
        self.calls.append("set")
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        self.calls.append("add")
        return super().add(*args, **kwargs)


def cache_control(response):
    return dict(
        part.strip().partition("=")[::2]
        for part in response["Cache-Control"].split(",")
    )


def test_a_hit_is_one_cache_round_trip_and_no_query(
    client, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.CountingLocMemCache",
            "LOCATION": f"counting-{uuid.uuid4().hex}",
        }
    }
    url = make_article().get_absolute_url()
    client.get(url)
    CountingLocMemCache.calls.clear()
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    # The content version comes from the version file (no Redis here).
    assert CountingLocMemCache.calls == ["get"]


def test_the_page_cache_runs_before_session_csrf_auth_messages_and_csp():
    middleware = django_settings.MIDDLEWARE
    page_cache = middleware.index("newsroom.cache.pages.PageCacheMiddleware")
    for later in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ):
        assert middleware.index(later) > page_cache, later


def test_the_page_cache_comes_before_every_other_middleware_but_the_count():
    """
    So a hit runs none, and the copy it keeps has every header and the gzip.
    Only the metrics' count of requests, which changes nothing, comes first.
    """
    assert django_settings.MIDDLEWARE[:2] == [
        "newsroom.metrics.RequestMetricsMiddleware",
        "newsroom.cache.pages.PageCacheMiddleware",
    ]


def test_a_hit_sends_the_compressed_copy_it_keeps(client):
    """
    Not compressed again for every reader: each compression differs (Django
    pads the gzip header against BREACH), the kept copy is sent as it is.
    """
    url = make_article(title="Harbour plan approved").get_absolute_url()
    first = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    hits = [client.get(url, headers={"accept-encoding": "gzip"}) for _ in range(2)]
    for hit in hits:
        assert "Age" in hit
        assert hit["Content-Encoding"] == "gzip"
        assert hit.content == first.content
        assert hit["ETag"] == first["ETag"]
        assert not hit["ETag"].startswith("W/")  # strong: these very bytes
    assert b"Harbour plan approved" in gzip.decompress(hits[0].content)


def test_readers_without_gzip_get_a_copy_of_their_own(client):
    url = make_article(title="Harbour plan approved").get_absolute_url()
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    assert "Harbour plan approved" in plain.text
    assert plain["ETag"] != packed["ETag"]
    again = client.get(url)
    assert "Age" in again and again.content == plain.content
    assert len(cached_pages()) == 2


def test_a_response_varying_on_more_than_the_encoding_is_not_kept(client, monkeypatch):
    """The key covers the address and the encoding, nothing else."""
    from articles.views import ArticleDetailView

    def varying(self, context, **kwargs):
        response = original(self, context, **kwargs)
        response["Vary"] = "Accept-Language"
        return response

    original = ArticleDetailView.render_to_response
    monkeypatch.setattr(ArticleDetailView, "render_to_response", varying)
    url = make_article().get_absolute_url()
    client.get(url)
    assert "Age" not in client.get(url)
    assert cached_pages() == []


def test_last_modified_is_the_render_second_once_it_is_over():
    """
    Within the second a page was rendered in, a change could render another
    page with the same Last-Modified: none is given until that second ends.
    """
    assert last_modified(1_000.2, 1_000.9) is None
    assert last_modified(1_000.2, 1_001.0) == http_date(1_000)
    assert last_modified(1_000.2, 1_300.0) == http_date(1_000)


def test_a_page_from_the_cache_says_when_it_was_rendered_and_answers_if_modified_since(
    client, django_assert_num_queries
):
    article = make_article(title="Harbour plan approved")
    url = article.get_absolute_url()
    # Start at the top of a second, so the render has most of it to finish in.
    time.sleep(1 - time.time() % 1)
    rendered = time.time()
    client.get(url)
    time.sleep(max(0, int(rendered) + 1 - time.time()))  # into the next second
    hit = client.get(url)
    assert hit["Last-Modified"] == http_date(int(rendered))
    with django_assert_num_queries(0):
        again = client.get(url, headers={"if-modified-since": hit["Last-Modified"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Last-Modified"] == hit["Last-Modified"]
    earlier = http_date(int(rendered) - 60)
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200
    # A change after the reader's copy was sent is not "not modified".
    article.title = "Harbour plan withdrawn"
    article.save()
    changed = client.get(url, headers={"if-modified-since": hit["Last-Modified"]})
    assert changed.status_code == 200
    assert "Harbour plan withdrawn" in changed.text


def test_the_edge_may_keep_a_reading_page_to_the_end_of_the_second(client):
    """
    nginx (deploy/nginx/newsroom.conf) reads X-Accel-Expires: a page it keeps
    expires with the second, so a change shows through it within a second.
    """
    url = make_article().get_absolute_url()
    for response in (client.get(url), client.get(url)):  # rendered, then a hit
        sent = int(time.time())
        assert int(response["X-Accel-Expires"].removeprefix("@")) in (sent - 1, sent)
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again["X-Accel-Expires"].startswith("@")


def test_the_edge_keeps_every_answer_no_longer_than_its_second(client):
    """
    nginx reads Cache-Control for its stale-while-revalidate; X-Accel-Expires
    on every answer, after Cache-Control, keeps it from keeping a feed, a
    redirect or a 404 for their max-age.
    """
    make_article()
    for url, status in [
        (reverse("articles:feed"), 200),
        (reverse("articles:robots"), 200),
        ("/favicon.ico", 301),
        ("/no-such-page/", 404),
    ]:
        response = client.get(url)
        sent = int(time.time())
        assert response.status_code == status, url
        assert int(response["X-Accel-Expires"].removeprefix("@")) in (sent - 1, sent)
        names = [name.lower() for name in response.headers]
        if "cache-control" in names:
            assert names.index("cache-control") < names.index("x-accel-expires")


def test_a_hit_keeps_the_headers_of_the_middleware_it_skips(client):
    url = make_article().get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert "Age" in second and "Age" not in first
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cache-Control",
        "ETag",
        "Content-Type",
        "Content-Length",
        "Vary",
    ):
        assert second[header] == first[header], header


def test_form_pages_are_never_stored_and_say_private_no_store(client):
    subscription = make_subscription(status="pending")
    urls = [
        reverse("subscriptions:delivery-request"),
        reverse(
            "subscriptions:newsletter-confirm", args=[subscription.confirmation_token()]
        ),
    ]
    for url in urls:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            directives = cache_control(response)
            assert "private" in directives and "no-store" in directives, url
        client.cookies.clear()
    assert cached_pages() == []


def test_staff_get_reading_pages_private_and_no_store(client):
    url = make_article().get_absolute_url()
    client.force_login(make_editor())
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    assert cached_pages() == []


def ids(checked):
    return [message.id for message in checked]


def test_check_deploy_warns_when_per_process_copies_share_no_version(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.CONTENT_VERSION_FILE = ""
    assert "newsroom.W001" in ids(run_checks(include_deployment_checks=True))
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    assert "newsroom.W001" not in ids(run_checks(include_deployment_checks=True))


def test_check_deploy_says_the_version_file_makes_one_server_right(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.CONTENT_VERSION_FILE = str(tmp_path / "var" / "content-version")
    checked = run_checks(include_deployment_checks=True)
    said = [message for message in checked if message.id == "newsroom.I001"]
    assert said and "A second server needs REDIS_URL" in said[0].msg
    assert "newsroom.W001" not in ids(checked)
    (tmp_path / "a-file").write_text("")
    settings.CONTENT_VERSION_FILE = str(tmp_path / "a-file" / "content-version")
    assert "newsroom.E002" in ids(run_checks(include_deployment_checks=True))


def test_check_deploy_is_content_with_a_shared_page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/10",
        }
    }
    checked = ids(run_checks(include_deployment_checks=True))
    assert not {"newsroom.W001", "newsroom.I001", "newsroom.E002"} & set(checked)


def test_anonymous_reading_pages_may_be_kept_by_shared_caches(client):
    response = client.get(make_article().get_absolute_url())
    assert response["Cache-Control"] == READING_CACHE_CONTROL
    # The page is the same for every reader: it varies only in its
    # compression (GZipMiddleware).
    assert response["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
def test_a_matching_if_none_match_gets_304_without_a_body(
    client, settings, page_cache_seconds, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    url = make_article().get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    with django_assert_max_num_queries(0 if page_cache_seconds else 20):
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"]
    other = client.get(url, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200


def test_the_etag_changes_with_the_page(client):
    article = make_article(title="Harbour plan approved")
    url = article.get_absolute_url()
    before = client.get(url)["ETag"]
    article.title = "Harbour plan withdrawn"
    article.save()
    response = client.get(url, headers={"if-none-match": before})
    assert response.status_code == 200
    assert response["ETag"] != before


def test_shared_cache_lifetimes_end_at_the_next_scheduled_publication(client):
    make_article(published_at=timezone.now() + timedelta(seconds=30))
    url = make_article().get_absolute_url()
    for response in (client.get(url), client.get(url)):  # rendered, then a hit
        directives = cache_control(response)
        assert 0 < int(directives["max-age"]) <= 30
        assert 0 < int(directives["s-maxage"]) <= 30
        # Not served stale past the publication either.
        assert "stale-while-revalidate" not in directives
        assert directives["stale-if-error"] == "86400"


def test_a_publication_far_off_leaves_the_lifetimes_alone(client):
    make_article(published_at=timezone.now() + timedelta(hours=3))
    response = client.get(make_article().get_absolute_url())
    assert response["Cache-Control"] == READING_CACHE_CONTROL
