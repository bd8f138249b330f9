"""
Static pages through the page cache: kept like every reading page, and a
page published, edited, moved or taken off the site shows on the next
request, on the page itself and in every page's footer; a scheduled page
ends the kept pages' lives when it goes live. In a local-memory cache and
in Redis.
"""

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.cache.versions import content_version, page_cache_seconds
from tests.factories import make_page
from tests.newsroom.test_cache import redis_cache

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")

LOCAL_MEMORY = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"static-pages-{uuid.uuid4().hex}",
    }
}


@pytest.fixture(params=["local-memory", "redis"])
def page_cache(request, settings):
    """The page cache on, in local memory or in a running Redis."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = (
        LOCAL_MEMORY if request.param == "local-memory" else (redis_cache(REDIS_URL))
    )
    return request.param


def footer(client, url):
    html = client.get(url).text
    return html[html.index('<footer class="site-footer">') :]


def test_a_kept_page_costs_no_query(client, page_cache, django_assert_num_queries):
    make_page(path="/about/", title="About us")
    assert client.get("/about/").status_code == 200
    with django_assert_num_queries(0):
        response = client.get("/about/")
    assert response.status_code == 200
    assert "About us" in response.text
    assert "public" in response["Cache-Control"]


def test_publish_edit_move_and_unpublish_show_on_the_next_request(client, page_cache):
    home = reverse("articles:home")
    page = make_page(path="/about/", title="About us", status="draft", in_footer=True)
    assert client.get("/about/").status_code == 404
    assert "About us" not in footer(client, home)
    assert client.get(home).status_code == 200  # kept

    page.status = "published"
    page.save()
    assert "About us" in client.get("/about/").text
    assert "About us" in footer(client, home)

    page.title = "Who we are"
    page.body = "<p>Edited just now.</p>"
    page.save()
    response = client.get("/about/")
    assert "Who we are" in response.text
    assert "Edited just now." in response.text
    assert '<a href="/about/">Who we are</a>' in footer(client, home)

    page.path = "/who-we-are/"
    page.save()
    assert client.get("/about/")["Location"] == "/who-we-are/"
    assert '<a href="/who-we-are/">Who we are</a>' in footer(client, home)

    page.unpublish()
    assert client.get("/who-we-are/").status_code == 404
    assert "Who we are" not in footer(client, home)


def test_a_deleted_page_is_gone_on_the_next_request(client, page_cache):
    page = make_page(path="/advertise/")
    assert client.get("/advertise/").status_code == 200
    page.delete()
    assert client.get("/advertise/").status_code == 404


def test_a_scheduled_page_bounds_how_long_pages_are_kept(page_cache):
    make_page(path="/later/", published_at=timezone.now() + timedelta(seconds=90))
    assert page_cache_seconds(content_version()) <= 90


def test_a_scheduled_page_goes_live_in_the_footer_without_a_save(client):
    """
    The pages kept under the content version hold the scheduled ones, read
    as of each request: one goes live with no save and no new version.
    """
    make_page(
        path="/later/",
        title="Later",
        in_footer=True,
        published_at=timezone.now() + timedelta(seconds=1),
    )
    home = reverse("articles:home")
    version = content_version()
    assert "Later" not in footer(client, home)
    assert client.get("/later/").status_code == 404
    time.sleep(1.1)
    assert "Later" in footer(client, home)
    assert client.get("/later/").status_code == 200
    assert content_version() == version
