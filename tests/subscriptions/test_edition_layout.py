"""
What an edition's email shows: the masthead, the day, the editor's note, the
top story with its picture, the others with small pictures and bylines, the
closing block; pictures from absolute addresses at twice their shown size;
the preheader; a layout Outlook for Windows keeps.
"""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsroom import formats
from subscriptions import editions, mail
from subscriptions.models import Edition, EditionArticle, Newsletter
from tests.factories import make_article, make_author, make_image, make_section

from .factories import make_newsletter

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
CDN = "https://cdn.example.net/media/"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "The Midland Herald"


def make_edition(articles, *, intro="", status=Edition.Status.SENT, **kwargs):
    newsletter = (
        kwargs.pop("newsletter", None)
        or Newsletter.objects.filter(name="News Wrap").first()
        or make_newsletter(name="News Wrap")
    )
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject="News Wrap, Sunday 6 December 2026",
        intro=intro,
        status=status,
        scheduled_for=timezone.now() - timedelta(minutes=5),
        **kwargs,
    )
    for position, article in enumerate(articles):
        EditionArticle.objects.create(
            edition=edition, article=article, position=position
        )
    return edition


def parts(edition):
    message = editions.test_copy_message(edition, "editor@example.com")
    html, _ = message.alternatives[0]
    return message.body, html, BeautifulSoup(html, "html.parser")


@pytest.fixture
def pictured_edition():
    section = make_section(name="Sport")
    writer = make_author(name="Aoife Kelly")
    articles = [
        make_article(
            title=f"Story {n}",
            section=section,
            lead_image=make_image(alt_text=f"Picture of story {n}"),
            authors=[writer],
        )
        for n in range(3)
    ]
    return make_edition(articles)


def test_pictures_are_jpeg_renditions_at_twice_their_shown_size_with_alt_and_size(
    pictured_edition,
):
    """
    The top story's picture spans the 600-pixel column, the others' are
    small; each is a JPEG at least twice as wide as shown, with alt text,
    width and height, at an absolute address.
    """
    _, _, soup = parts(pictured_edition)
    pictures = soup.find_all("img")

    assert [img["alt"] for img in pictures] == [
        "Picture of story 0",
        "Picture of story 1",
        "Picture of story 2",
    ]
    assert [int(img["width"]) for img in pictures] == [600, 160, 160]
    for img in pictures:
        assert img["src"].startswith(SITE + "/")
        assert img["src"].endswith(".jpg")
        # The card shape is 3:2; the height is the shown one.
        assert int(img["height"]) == round(int(img["width"]) * 2 / 3)
    top = pictured_edition.ordered_articles()[0].lead_image.in_shape("card")
    widths = {r.file.url: r.width for r in top.renditions_in("jpeg")}
    assert widths[pictures[0]["src"].removeprefix(SITE)] >= 1200


def test_pictures_come_from_an_absolute_media_url_as_it_is(settings, pictured_edition):
    """With MEDIA_URL on a CDN, pictures are the CDN's, not the site's."""
    settings.MEDIA_URL = CDN

    _, _, soup = parts(pictured_edition)

    assert all(img["src"].startswith(CDN) for img in soup.find_all("img"))


def test_edition_has_masthead_day_sections_bylines_and_closing_block(
    pictured_edition,
):
    make_newsletter(name="The Week", pitch="The week's best reporting", slug="week")
    text, html, soup = parts(pictured_edition)

    assert soup.html["lang"] == "en"
    masthead = soup.find("a", string="The Midland Herald")
    assert masthead["href"] == f"{SITE}/"
    assert "font-size: 34px" in masthead.parent["style"]
    newsletter = pictured_edition.newsletter
    day = timezone.localtime(pictured_edition.scheduled_for, newsletter.zone).date()
    assert soup.find("p", string=formats.written(day, "weekday_day"))
    assert soup.h1.get_text(strip=True) == "News Wrap"
    headings = [h.name for h in soup.find_all(["h1", "h2", "h3"])]
    assert headings[0] == "h1" and set(headings[1:]) == {"h2"}
    assert html.count("By Aoife Kelly") == 3
    assert html.count(">Sport<") == 3
    week = soup.find("a", string="The Week")
    assert week["href"] == f"{SITE}/newsletters/week/"
    delivery = soup.find("a", string=lambda s: s and "home delivery" in s)
    assert delivery["href"] == f"{SITE}/delivery/"
    assert "The Week: The week's best reporting" in text
    assert f"{SITE}/delivery/" in text


def test_an_edition_without_pictures_has_no_image_and_keeps_every_story():
    articles = [make_article(title=f"Words only {n}") for n in range(3)]
    edition = make_edition(articles)

    text, html, soup = parts(edition)

    assert soup.find("img") is None
    assert [
        a.get_text()
        for a in soup.find_all("a", string=lambda s: s and "Words only" in s)
    ] == [
        "Words only 0",
        "Words only 1",
        "Words only 2",
    ]


def test_configured_logo_replaces_the_typeset_name(settings):
    settings.SITE_LOGO_URL = "/static/logo.png"
    settings.SITE_LOGO_WIDTH = 280
    settings.SITE_LOGO_HEIGHT = 56
    edition = make_edition([make_article()])

    _, _, soup = parts(edition)

    logo = soup.find("img", alt="The Midland Herald")
    assert logo["src"] == f"{SITE}/static/logo.png"
    assert (logo["width"], logo["height"]) == ("280", "56")


def test_editors_note_is_portable_html_and_the_preheader():
    """
    The note keeps its text markup with absolute links, loses what mail
    cannot hold, and its first words are the preheader.
    """
    note = (
        '<p>Good afternoon. <strong>Read</strong> <a href="/news/harbour/">the '
        'harbour story</a> first.</p><figure data-element="picture" data-image="999">'
        "<figcaption>Gone</figcaption></figure>"
    )
    edition = make_edition([make_article()], intro=note)

    text, html, soup = parts(edition)

    preheader = soup.body.find("div")
    assert preheader.get_text().startswith(
        "Good afternoon. Read the harbour story first."
    )
    link = soup.find("a", string="the harbour story")
    assert link["href"] == f"{SITE}/news/harbour/"
    assert link["style"] == mail.NOTE_STYLES["a"]
    assert "data-" not in str(soup.find("h2", string="From the editor").parent)
    assert "Good afternoon. Read the harbour story first." in text


def test_without_a_note_the_preheader_is_the_top_storys_standfirst():
    top = make_article(standfirst="Councillors voted 12 to 3 for the new quay.")
    edition = make_edition([top, make_article()])

    _, _, soup = parts(edition)

    assert (
        soup.body.find("div")
        .get_text()
        .startswith("Councillors voted 12 to 3 for the new quay.")
    )


def test_layout_holds_in_outlook_for_windows(pictured_edition):
    """
    Word's HTML engine (Outlook for Windows) ignores max-width, flex, grid,
    CSS widths on divs and background images: widths are on tables and
    cells, the column has a fixed-width wrapper only Outlook reads, and
    nothing relies on what Word drops.
    """
    _, html, soup = parts(pictured_edition)

    assert '<!--[if mso]><table role="presentation" width="600"' in html
    assert "<!--[if mso]></td></tr></table><![endif]-->" in html
    # Word sets a stack whose first font it lacks in Times New Roman.
    assert ".nl-masthead { font-family: Georgia, serif !important; }" in html
    assert "nl-masthead" in soup.find("a", string="The Midland Herald").parent["class"]
    for forbidden in (
        "display: flex",
        "display:flex",
        "grid",
        "background-image",
        "url(",
    ):
        assert forbidden not in html
    for div in soup.body.find_all("div"):
        assert "width" not in div.get("style", "").replace("max-height", "")
    for table in soup.find_all("table"):
        assert table["role"] == "presentation"
        assert table.get("width") in ("100%", "600")
        assert table.get("cellpadding") == "0" and table.get("cellspacing") == "0"
    for img in soup.find_all("img"):
        assert img.get("width") and img.get("height")
        assert "border: 0" in img["style"]
    # Every colour is inline, so clients that drop <style> keep them.
    for element in soup.select("h1, h2, p"):
        styled = [element, *element.find_parents(["td", "table"])]
        assert any("color:" in e.get("style", "") for e in styled)


def test_links_say_where_they_go(pictured_edition):
    _, _, soup = parts(pictured_edition)

    names = [a.get_text(" ", strip=True) for a in soup.find_all("a")]
    assert all(names)
    assert not {"here", "click here", "read more", "more"} & {n.lower() for n in names}
    assert "Read this edition on the web" in names


def test_web_link_points_at_the_editions_page(pictured_edition):
    text, _, soup = parts(pictured_edition)

    url = SITE + pictured_edition.get_absolute_url()
    assert soup.find("a", string="Read this edition on the web")["href"] == url
    assert f"Read this edition on the web: {url}" in text


def test_context_is_worked_out_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    section = make_section()
    writers = [make_author() for _ in range(2)]
    articles = [
        make_article(section=section, lead_image=make_image(), authors=writers)
        for _ in range(6)
    ]
    edition = make_edition(articles)
    edition = Edition.objects.select_related("newsletter").get(pk=edition.pk)

    # Articles, bylines, renditions, other newsletters.
    with django_assert_max_num_queries(4):
        mail.edition_context(edition, edition.ordered_articles())
