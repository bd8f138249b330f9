"""RSS and Atom feeds, sitemaps and robots.txt: live articles only, absolute links."""

import html as html_module
from datetime import datetime, timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from articles.views import SHARE_LINK_PREFIX
from tests.factories import make_article, make_author, make_image, make_section
from tests.html import parse

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


# Feeds for every kind of page, read by a real feed parser


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


FEED_NAMES = [
    ("articles:feed", []),
    ("articles:feed-atom", []),
    ("articles:section-feed", ["news"]),
    ("articles:section-feed-atom", ["news"]),
    ("articles:author-feed", ["jane-doe"]),
    ("articles:author-feed-atom", ["jane-doe"]),
    ("articles:tag-feed", ["harbour"]),
    ("articles:tag-feed-atom", ["harbour"]),
]


@pytest.mark.parametrize(("name", "args"), FEED_NAMES)
def test_every_feed_parses_and_holds_only_live_articles_with_their_details(
    client, name, args
):
    """
    Site, section, author and tag feeds, RSS and Atom: well-formed for a real
    parser, live articles only, with authors, tags as categories, times and
    the lead picture as an enclosure.
    """
    jane = make_author(name="Jane Doe", slug="jane-doe")
    section = make_section(name="News", slug="news")
    now = timezone.now()
    live = make_article(
        title="Harbour plan approved",
        standfirst="Fish & chips <b>for all</b>, the council said.",
        section=section,
        authors=[jane],
        tags=["harbour", "Council"],
        lead_image=make_image(),
        published_at=now - timedelta(hours=1),
    )
    for status, published_at in [
        (Article.Status.DRAFT, None),
        (Article.Status.REVIEW, None),
        (Article.Status.PUBLISHED, now + timedelta(hours=1)),
    ]:
        make_article(
            title=f"Not live {status}",
            status=status,
            published_at=published_at,
            section=section,
            authors=[jane],
            tags=["harbour"],
        )
    feed = parsed(client, reverse(name, args=args))
    assert [entry.title for entry in feed.entries] == ["Harbour plan approved"]
    entry = feed.entries[0]
    assert entry.link == "https://news.example.org" + live.get_absolute_url()
    # The standfirst is text: its "<b>" is shown, not made bold.
    assert (
        entry.summary
        == "Fish &amp; chips &lt;b&gt;for all&lt;/b&gt;, the council said."
    )
    assert entry.author == "Jane Doe"
    assert {tag.term for tag in entry.tags} == {"News", "harbour", "Council"}
    assert entry.published_parsed[:6] == live.published_at.utctimetuple()[:6]
    if name.endswith("-atom"):
        assert entry.get("updated")
    enclosure = entry.enclosures[0]
    assert enclosure.href.startswith("https://news.example.org/media/renditions/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0


def test_unknown_author_or_tag_has_no_feed(client):
    assert client.get("/feeds/authors/nobody/rss/").status_code == 404
    assert client.get("/feeds/tags/nothing/atom/").status_code == 404


def test_section_author_and_tag_pages_link_their_feeds(client):
    """<link rel="alternate"> for RSS and Atom in each page's head."""
    jane = make_author(slug="jane-doe")
    section = make_section(slug="news")
    make_article(section=section, authors=[jane], tags=["harbour"])
    pages = {
        "/news/": "news",
        "/authors/jane-doe/": "jane-doe",
        "/tags/harbour/": "harbour",
    }
    for url, slug in pages.items():
        head = parse(client.get(url)).head
        links = {
            link["type"]: link["href"] for link in head.select('link[rel="alternate"]')
        }
        kind = {"news": "section", "jane-doe": "author", "harbour": "tag"}[slug]
        assert links["application/atom+xml"] == reverse(
            f"articles:{kind}-feed-atom", args=[slug]
        )
        assert reverse(f"articles:{kind}-feed", args=[slug]) in [
            link["href"]
            for link in head.select('link[rel="alternate"][type="application/rss+xml"]')
        ]


# Sitemaps and robots.txt


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ElementTree.fromstring(response.content)
    return root, [element.findtext(f"{SITEMAP}loc") for element in root]


def test_sitemap_index_points_at_every_sitemap_on_site_url(client):
    make_article(section=make_section(slug="news"), tags=["harbour"])
    root, locations = sitemap_locations(client, reverse("articles:sitemap"))
    assert root.tag == f"{SITEMAP}sitemapindex"
    site = "https://news.example.org"
    assert locations == [
        f"{site}/sitemap-{name}.xml"
        for name in (
            "home",
            "sections",
            "articles",
            "authors",
            "tags",
            "pages",
            "news",
        )
    ]
    articles = root[2]
    assert articles.findtext(f"{SITEMAP}lastmod")


def test_sitemaps_hold_live_pages_only_with_lastmod_on_articles(client):
    author = make_author(slug="jane-doe")
    make_author(slug="only-drafts")
    section = make_section(slug="news")
    live = make_article(
        section=section, slug="live-story", authors=[author], tags=["harbour"]
    )
    make_article(
        section=section,
        status=Article.Status.DRAFT,
        slug="draft-story",
        tags=["secret"],
    )
    site = "https://news.example.org"
    root, locations = sitemap_locations(client, "/sitemap-articles.xml")
    assert locations == [f"{site}{live.get_absolute_url()}"]
    assert root[0].findtext(f"{SITEMAP}lastmod") == f"{live.updated_at:%Y-%m-%d}"
    assert sitemap_locations(client, "/sitemap-tags.xml")[1] == [
        f"{site}/tags/harbour/"
    ]
    assert sitemap_locations(client, "/sitemap-authors.xml")[1] == [
        f"{site}/authors/jane-doe/"
    ]
    assert sitemap_locations(client, "/sitemap-sections.xml")[1] == [f"{site}/news/"]
    assert sitemap_locations(client, "/sitemap-home.xml")[1] == [f"{site}/"]


def test_big_sitemaps_are_split_into_pages_the_index_lists(client, monkeypatch):
    """Past the limit (50,000 in production) a sitemap goes on in ?p=2."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    section = make_section(slug="news")
    for _ in range(3):
        make_article(section=section)
    _, locations = sitemap_locations(client, reverse("articles:sitemap"))
    site = "https://news.example.org"
    assert f"{site}/sitemap-articles.xml?p=2" in locations
    assert len(sitemap_locations(client, "/sitemap-articles.xml?p=2")[1]) == 1
    assert ArticleSitemap.__mro__[1].limit == 50_000


NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def test_news_sitemap_lists_the_last_48_hours_with_publication_details(client):
    section = make_section(slug="news")
    now = timezone.now()
    recent = make_article(
        section=section, title="Storm <warning> & floods", published_at=now
    )
    make_article(section=section, published_at=now - timedelta(hours=49))
    make_article(section=section, published_at=now + timedelta(hours=1))
    make_article(section=section, status=Article.Status.DRAFT, slug="draft")
    root, locations = sitemap_locations(client, reverse("articles:sitemap-news"))
    assert locations == ["https://news.example.org" + recent.get_absolute_url()]
    news = root[0].find(f"{NEWS}news")
    publication = news.find(f"{NEWS}publication")
    assert publication.findtext(f"{NEWS}name") == "The Newsroom Herald"
    assert publication.findtext(f"{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Storm <warning> & floods"
    published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert abs(published - recent.published_at) < timedelta(seconds=1)


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/search/", SHARE_LINK_PREFIX):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines


# Property: whatever a writer types in a title or standfirst, the feeds stay
# well-formed XML and carry it as text, never as markup.

writers_text = (
    st.lists(
        st.one_of(
            st.text(
                st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=12,
            ),
            st.sampled_from(
                ["<script>alert(1)</script>", "a<b", "&amp;", "<b>x</b>", "\x0b", "]]>"]
            ),
        ),
        min_size=1,
        max_size=5,
    )
    .map("".join)
    .filter(str.strip)
)


@hypothesis_settings(max_examples=60)
@given(title=writers_text, standfirst=writers_text)
def test_feeds_carry_any_plain_text_as_text(client, title, standfirst):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(title=title, standfirst=standfirst)

    channel, items = rss_items(client, reverse("articles:feed"))
    rss = next(i for i in items if i.findtext("guid").endswith(f"/{article.pk}"))
    atom_feed = ElementTree.fromstring(
        client.get(reverse("articles:feed-atom")).content
    )
    atom = next(
        e
        for e in atom_feed.iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}id").endswith(f"/{article.pk}")
    )
    summary = atom.find(f"{ATOM}summary")

    # A standfirst of characters XML cannot carry leaves an empty element,
    # whose text ElementTree reads as None.
    for shown_as_html in (rss.findtext("description"), summary.text or ""):
        assert "<" not in shown_as_html  # no markup for the reader to run
        assert html_module.unescape(shown_as_html) == xml_text(standfirst)
    assert rss.findtext("title") == xml_text(title)
    Article.objects.filter(pk=article.pk).delete()


def xml_text(text):
    """`text` as XML 1.0 can carry it: characters it cannot hold are left out."""
    return (
        "".join(
            c
            for c in text
            if c in "\t\n\r"
            or ("\x20" <= c <= "\ud7ff")
            or ("\ue000" <= c <= "\ufffd")
            or c >= "\U00010000"
        )
        .replace("\r\n", "\n")
        .replace("\r", "\n")
    )
