"""
Feeds and the news sitemap date a live article by its latest entry (posted
or edited) when that is later than its own edit.
"""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example.org"


def an_hour_ago():
    return timezone.now() - timedelta(hours=1)


def at_second(moment):
    return moment.replace(microsecond=0)


def backdate(article):
    """The article as last edited an hour ago (saves set updated_at to now)."""
    Article.objects.filter(pk=article.pk).update(updated_at=an_hour_ago())
    article.refresh_from_db()
    return article


def atom_updated(client):
    feed = ElementTree.fromstring(client.get(reverse("articles:feed-atom")).content)
    return {
        entry.findtext(f"{ATOM}title"): datetime.fromisoformat(
            entry.findtext(f"{ATOM}updated")
        )
        for entry in feed.findall(f"{ATOM}entry")
    }


def news_lastmod(client):
    root = ElementTree.fromstring(client.get("/sitemap-news.xml").content)
    return {
        url.findtext(f"{SITEMAP}loc"): datetime.fromisoformat(
            url.findtext(f"{SITEMAP}lastmod")
        )
        for url in root
    }


def test_atom_updated_is_a_live_articles_latest_entry(client):
    """A new entry moves the item's `updated`; an ordinary article keeps its edit."""
    live = backdate(make_live_article(title="Storm live", published_at=an_hour_ago()))
    ordinary = backdate(make_article(title="Budget", published_at=an_hour_ago()))
    entry = make_entry(live)
    updated = atom_updated(client)
    assert updated["Storm live"] == entry.updated_at
    assert updated["Budget"] == ordinary.updated_at


def test_the_feeds_own_time_moves_with_a_new_entry(client):
    """The Atom feed's <updated> and the RSS lastBuildDate follow the newest entry."""
    live = backdate(make_live_article(published_at=an_hour_ago()))
    backdate(make_article(published_at=an_hour_ago()))
    entry = make_entry(live)
    feed = ElementTree.fromstring(client.get(reverse("articles:feed-atom")).content)
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == entry.updated_at
    rss = ElementTree.fromstring(client.get(reverse("articles:feed")).content)
    built = parsedate_to_datetime(rss.find("channel").findtext("lastBuildDate"))
    assert built == at_second(entry.updated_at)


def test_atom_updated_follows_an_entry_edited_later(client):
    """Editing an older entry counts as the latest change."""
    live = backdate(make_live_article(title="Storm live", published_at=an_hour_ago()))
    entry = make_entry(live)
    make_entry(live)
    edited = timezone.now() + timedelta(minutes=10)
    LiveEntry.objects.filter(pk=entry.pk).update(updated_at=edited)
    assert atom_updated(client)["Storm live"] == edited


def test_an_article_edited_after_its_last_entry_keeps_its_own_time(client):
    """The later of the two wins."""
    live = make_live_article(title="Storm live", published_at=an_hour_ago())
    entry = make_entry(live)
    LiveEntry.objects.filter(pk=entry.pk).update(updated_at=an_hour_ago())
    live.refresh_from_db()
    assert atom_updated(client)["Storm live"] == live.updated_at


def test_news_sitemap_lastmod_is_a_live_articles_latest_entry(client):
    """The news sitemap's <lastmod> and the index's say when the last entry came."""
    site = "https://news.example.org"
    live = backdate(make_live_article(published_at=an_hour_ago()))
    ordinary = backdate(make_article(published_at=an_hour_ago()))
    entry = make_entry(live)
    lastmod = news_lastmod(client)
    assert lastmod[site + live.get_absolute_url()] == at_second(entry.updated_at)
    assert lastmod[site + ordinary.get_absolute_url()] == at_second(ordinary.updated_at)
    index = ElementTree.fromstring(client.get(reverse("articles:sitemap")).content)
    news = next(
        item for item in index if item.findtext(f"{SITEMAP}loc").endswith("news.xml")
    )
    assert news.findtext(f"{SITEMAP}lastmod").startswith(f"{entry.updated_at:%Y-%m-%d}")
