"""RSS and Atom feeds and the sitemap: live articles only, absolute links."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example.org"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_site_feed_lists_live_articles_newest_first_with_absolute_links(client):
    """Drafts and scheduled articles stay out; links point at SITE_URL."""
    now = timezone.now()
    older = make_article(published_at=now - timedelta(hours=2))
    newer = make_article(
        published_at=now - timedelta(hours=1),
        standfirst="What the story says.",
        authors=[make_author(name="Jane Doe"), make_author(name="John Roe")],
    )
    make_article(status=Article.Status.DRAFT, slug="draft")
    make_article(published_at=now + timedelta(hours=1))

    channel, items = rss_items(client, reverse("articles:feed"))
    assert channel.findtext("title") == "The Newsroom Herald"
    assert channel.findtext("link") == "https://news.example.org/"
    assert [item.findtext("link") for item in items] == [
        "https://news.example.org" + newer.get_absolute_url(),
        "https://news.example.org" + older.get_absolute_url(),
    ]
    first = items[0]
    assert first.findtext("title") == newer.title
    assert first.findtext("description") == "What the story says."
    assert first.findtext("category") == newer.section.name
    assert first.findtext(f"{DC}creator") == "Jane Doe, John Roe"
    assert first.find("guid").attrib["isPermaLink"] == "false"


def test_feed_guid_survives_a_change_of_address(client):
    """Readers' feed software does not show a moved article as new."""
    article = make_article(slug="before")
    _, items = rss_items(client, reverse("articles:feed"))
    guid = items[0].findtext("guid")
    article.slug = "after"
    article.save()
    _, items = rss_items(client, reverse("articles:feed"))
    assert items[0].findtext("guid") == guid
    assert items[0].findtext("link").endswith("/after/")


def test_section_feed_lists_only_that_sections_articles(client):
    """Each section has its own feed; an unknown section has none."""
    section = make_section(name="Sport", slug="sport")
    mine = make_article(section=section)
    make_article()
    channel, items = rss_items(client, reverse("articles:section-feed", args=["sport"]))
    assert channel.findtext("title") == "Sport | The Newsroom Herald"
    assert [item.findtext("title") for item in items] == [mine.title]
    assert client.get("/feeds/no-such-section/rss/").status_code == 404


def test_atom_feeds_carry_the_same_articles(client):
    """Atom readers get the same entries, with updated times."""
    section = make_section(slug="news")
    article = make_article(section=section)
    for url in (
        reverse("articles:feed-atom"),
        reverse("articles:section-feed-atom", args=["news"]),
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [article.title]
        assert entries[0].findtext(f"{ATOM}updated")


def test_feeds_and_sitemap_set_no_cookie_and_may_be_cached(client):
    """Like the reading pages, they are the same for everyone."""
    make_article(section=make_section(slug="news"))
    for url in (
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=["news"]),
        reverse("articles:sitemap"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert response["Cache-Control"] == "public, max-age=300", url


def test_sitemap_lists_the_home_page_sections_live_articles_and_their_authors(
    client,
):
    """Unpublished articles, and authors with nothing live, are left out."""
    author = make_author(slug="jane-doe")
    make_author(slug="only-drafts")
    section = make_section(slug="news")
    live = make_article(section=section, slug="live-story", authors=[author])
    make_article(section=section, status=Article.Status.DRAFT, slug="draft-story")
    response = client.get(reverse("articles:sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in root}
    site = "https://news.example.org"
    assert locations == {
        f"{site}/",
        f"{site}/news/",
        f"{site}{live.get_absolute_url()}",
        f"{site}/authors/jane-doe/",
    }
