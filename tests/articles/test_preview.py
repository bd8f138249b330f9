"""
Previews and share links: an article before it is live, on the public
article page with a preview banner, for whoever may edit it and for a
stranger holding an unexpired, unrevoked share link; never cached, never
indexed. The page cache is on for every test here (its autouse fixture).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ShareLink
from tests.articles.test_page_cache import _page_cache, cached_pages  # noqa: F401
from tests.factories import make_article, make_author, make_editor, make_staff
from tests.html import parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(
        title="Council to sell the harbour",
        status=Article.Status.DRAFT,
        authors=[make_author(name="Aoife Byrne")],
    )


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def share_url(article):
    return reverse("admin:articles_article_share_links", args=[article.pk])


def assert_never_stored(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives
    assert response["X-Robots-Tag"] == "noindex"
    assert parse(response).select_one('meta[name="robots"]')["content"] == "noindex"


def test_editor_previews_a_draft_as_readers_will_see_it(editor_client, draft):
    """
    The public article page's template, the headline and byline, a banner
    saying it is a preview, and nothing any cache or search engine keeps;
    readers still get a 404 for the draft.
    """
    response = editor_client.get(preview_url(draft))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = parse(response)
    assert text(page.select_one("h1")) == "Council to sell the harbour"
    assert "Aoife Byrne" in text(page.select_one(".byline"))
    assert text(page.select_one(".preview-banner")).startswith("Preview: draft")
    assert page.select_one('link[rel="canonical"]')["href"].endswith(
        draft.get_absolute_url()
    )
    assert_never_stored(response)
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_the_public_page_of_a_live_article_has_no_preview_banner(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert not parse(response).select(".preview-banner")
    assert not parse(response).select('meta[name="robots"]')
    assert "X-Robots-Tag" not in response


def test_preview_needs_a_login_and_the_right_to_edit(client, draft):
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(make_staff("reader", ["articles.view_article"]))
    assert client.get(preview_url(draft)).status_code == 403
    assert client.get(share_url(draft)).status_code == 403
    client.force_login(make_editor())
    missing = reverse("admin:articles_article_preview", args=[draft.pk + 1000])
    assert client.get(missing).status_code == 404


def make_share_link(editor_client, article, lifetime="1", note="Our solicitor"):
    """Make a link through the admin's form; returns the ShareLink."""
    response = editor_client.post(
        share_url(article), {"lifetime": lifetime, "note": note}, follow=True
    )
    assert response.status_code == 200
    link = article.share_links.get(note=note)
    assert f"{link.get_absolute_url()}" in response.text
    return link


def test_share_link_lets_a_stranger_read_an_unpublished_article(editor_client, draft):
    link = make_share_link(editor_client, draft, lifetime="1")
    assert timedelta(hours=23, minutes=59) < link.expires_at - timezone.now()
    assert link.expires_at - timezone.now() <= timedelta(days=1)
    assert link.created_by.username == "editor"
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 200
    page = parse(response)
    assert text(page.select_one("h1")) == "Council to sell the harbour"
    assert "Preview shared with you" in text(page.select_one(".preview-banner"))
    assert response["Cache-Control"] == "private, no-store"
    assert_never_stored(response)
    assert not response.cookies


def test_share_link_stops_working_when_it_expires(editor_client, draft):
    link = make_share_link(editor_client, draft, lifetime="0")
    stranger = Client()
    assert stranger.get(link.get_absolute_url()).status_code == 200
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    response = stranger.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "expired" in text(parse(response).select_one(".error-page"))
    assert "Council to sell the harbour" not in response.text
    assert_never_stored(response)


def test_a_revoked_share_link_opens_nothing(editor_client, draft):
    link = make_share_link(editor_client, draft)
    other = make_share_link(editor_client, draft, note="A source")
    response = editor_client.post(
        reverse("admin:articles_article_share_link_revoke", args=[draft.pk, link.pk]),
        follow=True,
    )
    assert "withdrawn" in response.text
    link.refresh_from_db()
    assert link.revoked_at is not None
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in text(parse(response).select_one(".error-page"))
    assert Client().get(other.get_absolute_url()).status_code == 200
    assert list(ShareLink.objects.active()) == [other]


def test_a_forged_share_address_is_refused_before_links_are_looked_up(draft):
    link = ShareLink.objects.create(
        article=draft, expires_at=timezone.now() + timedelta(hours=1)
    )
    forged = reverse("articles:shared", args=[f"{link.token}:forged-signature"])
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(forged)
    assert response.status_code == 404
    assert not [q for q in queries if "sharelink" in q["sql"].lower()]
    assert_never_stored(response)
    assert Client().get(link.get_absolute_url()).status_code == 200


def test_revoking_needs_a_post(editor_client, draft):
    link = make_share_link(editor_client, draft)
    url = reverse("admin:articles_article_share_link_revoke", args=[draft.pk, link.pk])
    assert editor_client.get(url).status_code == 405
    link.refresh_from_db()
    assert link.is_active()


def test_shared_and_preview_pages_never_enter_the_page_cache(editor_client, draft):
    """
    With the page cache on, an anonymous reader's second visit to a shared
    page is rendered again (it queries the database), nothing is stored,
    and a link revoked in between stops working at once.
    """
    link = make_share_link(editor_client, draft)
    stranger = Client()
    live = make_article()
    stranger.get(live.get_absolute_url())
    assert len(cached_pages()) == 1  # the page cache is on
    assert stranger.get(link.get_absolute_url()).status_code == 200
    assert editor_client.get(preview_url(draft)).status_code == 200
    assert len(cached_pages()) == 1
    with CaptureQueriesContext(connection) as queries:
        stranger.get(link.get_absolute_url())
    assert len(queries) > 0
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert stranger.get(link.get_absolute_url()).status_code == 410
    assert len(cached_pages()) == 1
