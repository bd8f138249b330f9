"""
The body outside our pages (articles.elements.portable_body): what feed
readers get in RSS content:encoded and Atom content, every element as plain
HTML with absolute addresses, and at a constant number of queries.
"""

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.elements import portable_body
from articles.models import Article, ResolvedEmbed
from tests.articles.test_body_elements import EVERY_ELEMENT, heavy_body, small_image
from tests.factories import (
    image_bytes,
    make_article,
    make_section,
)

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def resolve(url, **fields):
    """The embed of `url` as the worker leaves it, with our thumbnail copy."""
    embed = ResolvedEmbed.objects.filter(url=url).first() or ResolvedEmbed(url=url)
    embed.status = ResolvedEmbed.Status.RESOLVED
    embed.provider = fields.get("provider", "YouTube")
    embed.title = fields.get("title", "Council meeting")
    embed.author_name = fields.get("author_name", "Harbour TV")
    embed.iframe_src = "https://www.youtube-nocookie.com/embed/abc"
    embed.thumbnail.save("thumb.jpg", ContentFile(image_bytes(480, 360)), save=False)
    embed.save()
    return embed


@pytest.fixture
def story():
    pictures = [
        small_image(alt_text=f"Picture {n}", credit=f"Photographer {n}")
        for n in range(3)
    ]
    other = make_article(title="Harbour plan explained", lead_image=small_image())
    body = (
        '<p>See <a href="/news/harbour/">the plan</a>.</p>'
        + EVERY_ELEMENT.format(
            picture=pictures[0].pk,
            first=pictures[1].pk,
            second=pictures[2].pk,
            article=other.pk,
        )
        + '<figure data-element="embed" data-url="https://vimeo.com/7"></figure>'
    )
    article = make_article(body=body)
    embed = resolve("https://www.youtube.com/watch?v=abc&t=1")
    return {"article": article, "pictures": pictures, "other": other, "embed": embed}


def portable(article):
    loaded = Article.objects.published().for_feed().get(pk=article.pk)
    return BeautifulSoup(portable_body(loaded), "html.parser")


def test_no_script_iframe_data_attribute_or_class(story):
    html = portable(story["article"])
    assert not html.select("script, iframe, button, [hidden], [style]")
    for tag in html.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("data-")], tag
        assert "class" not in tag.attrs, tag


def test_every_address_is_absolute(story):
    html = portable(story["article"])
    addresses = [a["href"] for a in html.select("a")] + [
        img["src"] for img in html.select("img")
    ]
    assert addresses
    assert all(url.startswith("https://") for url in addresses), addresses
    assert f"{SITE}/news/harbour/" in addresses


def test_a_picture_is_a_figure_with_its_mid_size_jpeg_caption_and_credit(story):
    image = story["pictures"][0]
    figure = portable(story["article"]).select("figure")[0]
    img = figure.img
    rendition = image.fallback_rendition
    assert rendition.format == "jpeg"
    assert img["src"] == SITE + rendition.file.url
    assert (img["alt"], img["width"], img["height"]) == (
        "Picture 0",
        str(rendition.width),
        str(rendition.height),
    )
    assert figure.figcaption.get_text() == "The pier at low tide. — Photographer 0"


def test_a_gallery_is_its_first_picture_and_a_link_to_the_article(story):
    html = portable(story["article"])
    second = html.select("figure")[1]
    assert second.img["alt"] == "Picture 1"
    assert second.figcaption.get_text() == "One — Photographer 1"
    assert "Picture 2" not in [img["alt"] for img in html.select("img")]
    link = html.find("a", string="2 pictures")
    assert link["href"] == SITE + story["article"].get_absolute_url()


def test_an_embed_is_its_thumbnail_and_title_linked_to_the_original(story):
    html = portable(story["article"])
    original = "https://www.youtube.com/watch?v=abc&t=1"
    figure = html.find("img", src=SITE + story["embed"].thumbnail.url).parent.parent
    assert figure.name == "figure"
    assert figure.a["href"] == original
    caption = figure.figcaption
    assert caption.a["href"] == original
    assert caption.a.get_text() == "Council meeting"
    assert "YouTube · Harbour TV" in caption.get_text()


def test_an_unresolved_embed_is_a_link_card(story):
    html = portable(story["article"])
    card = html.find("a", href="https://vimeo.com/7")
    assert card.get_text() == "https://vimeo.com/7"
    assert "Vimeo" in card.parent.get_text()


def test_quote_fact_box_table_update_and_read_more_are_plain_html(story):
    html = portable(story["article"])
    quote = html.find("blockquote")
    assert quote.get_text(strip=True) == "We will build it."
    assert "The mayor" in quote.parent.figcaption.get_text()
    assert html.find("aside").h2.get_text() == "Key points"
    table = html.find("table")
    assert table.caption.get_text() == "Budget"
    assert [td.get_text() for td in table.select("td")] == ["Pier", "€2m"]
    update = html.find("time")
    assert update.get_text() == "6 December 2026, 14:32"
    assert "The vote passed." in update.find_parent("aside").get_text()
    card = html.find("a", string="Harbour plan explained")
    assert card["href"] == SITE + story["other"].get_absolute_url()


def test_a_read_more_of_an_article_no_longer_live_is_left_out(story):
    story["other"].unpublish()
    html = portable(story["article"])
    assert not html.find("a", string="Harbour plan explained")
    assert "Read more" not in html.get_text()


def test_feeds_carry_the_whole_story_and_keep_the_standfirst(client, story):
    article = story["article"]
    for name in ("articles:feed", "articles:feed-atom"):
        feed = feedparser.parse(client.get(reverse(name)).content)
        assert not feed.bozo, feed.get("bozo_exception")
        entry = next(e for e in feed.entries if e.title == article.title)
        assert entry.summary == article.standfirst
        (content,) = entry.content
        assert content.type == "text/html"
        html = BeautifulSoup(content.value, "html.parser")
        assert html.find("blockquote").get_text(strip=True) == "We will build it."
        assert html.find("a", string="2 pictures")


def test_rss_items_hold_content_encoded(client, story):
    body = client.get(reverse("articles:feed")).content.decode()
    assert 'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in body
    assert "<content:encoded>" in body


def test_a_feed_of_20_items_costs_the_same_queries_whatever_their_bodies(
    client, django_assert_max_num_queries
):
    """
    20 items whose bodies hold no element, then 20 each with 20 pictures, a
    40-picture gallery, 5 resolved embeds and a "Read more" card: the same
    number of queries.
    """
    url = reverse("articles:section-feed", args=["news"])

    def feed():
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.count(b"<item>") == 20
        return response.content.decode()

    section = make_section(slug="news")
    plain = [
        make_article(
            body="<p>Words only.</p>", section=section, lead_image=small_image()
        )
        for _ in range(20)
    ]
    feed()  # what every request shares, kept
    with CaptureQueriesContext(connection) as plain_queries:
        feed()

    Article.objects.filter(pk__in=[a.pk for a in plain]).delete()
    card = make_article(title="Harbour plan explained", lead_image=small_image())
    body = heavy_body() + f'<aside data-element="read-more" data-article="{card.pk}">'
    for _ in range(20):
        make_article(body=body + "</aside>", lead_image=small_image(), section=section)
    ResolvedEmbed.objects.update(
        status=ResolvedEmbed.Status.RESOLVED,
        provider="Vimeo",
        title="Council meeting",
        iframe_src="https://player.vimeo.com/video/1?dnt=1",
    )
    with django_assert_max_num_queries(len(plain_queries)):
        heavy = feed()
    # Every element is in every item: 20 pictures and the gallery's first,
    # the gallery's count, 5 embeds, the card.
    assert heavy.count("40 pictures") == 20
    assert heavy.count("Council meeting") == 20 * 5
    assert heavy.count("Harbour plan explained") == 20
    assert heavy.count("&lt;figure&gt;&lt;img") == 20 * 21
