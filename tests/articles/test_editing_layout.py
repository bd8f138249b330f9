"""
The article admin as editors use it: byline by the headline, a wide headline
box, the body's word count, a list with thumbnails, and a lead picture
uploaded without leaving the article.
"""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Image
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_editor,
    make_image,
    make_section,
)
from tests.html import form_data, parse, text

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def test_writing_comes_first_and_the_byline_sits_with_the_section(client, editor):
    """
    The headline, standfirst and body come first, in the main column; the
    section, then the byline rows, then Publishing follow in the side
    column, whose groups collapse (<details>) below 1280 pixels;
    corrections stay at the foot. The standfirst box is three lines.
    """
    html = client.get(ADD).content.decode()
    order = [
        html.index('id="id_title"'),
        html.index('id="id_standfirst"'),
        html.index('id="id_body"'),
        html.index('id="id_section"'),
        html.index('id="bylines-group"'),
        html.index('id="id_status"'),
        html.index('id="corrections-group"'),
    ]
    assert order == sorted(order)
    assert html.count('id="bylines-group"') == 1
    page = parse(client.get(ADD))
    writing = page.select_one(".article-writing")
    assert [f["name"] for f in writing.select("[name]")] == [
        "title",
        "standfirst",
        "body",
    ]
    side = page.select_one(".article-side")
    assert side.select_one("#id_section") and side.select_one("#bylines-group")
    assert side.select_one("#id_status").find_parent("details")
    assert page.select_one("#id_standfirst")["rows"] == "3"


def test_headline_box_is_as_wide_as_a_headline(client, editor):
    """The headline input has its own class, which the admin stylesheet widens."""
    page = parse(client.get(ADD))
    assert "newsroom-headline" in page.select_one("#id_title")["class"]
    stylesheet = finders.find("articles/admin.css")
    css = Path(stylesheet).read_text()
    rule = css.split(".newsroom-headline {", 1)[1].split("}")[0]
    assert "width: 100%" in rule


def test_body_shows_its_word_count_and_the_script_that_updates_it(client, editor):
    """
    The change form shows the body's word count as saved (paragraphs counted
    apart, tags and entities aside) and loads our own word-count script, a
    static file served from the site (allowed by script-src 'self').
    """
    article = make_article(
        body="<p>The council met on</p><p><strong>Tuesday</strong>&nbsp;night.</p>"
    )
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = parse(response)
    count = page.select_one('.word-count[data-word-count-for="id_body"]')
    assert text(count) == "6 words"
    scripts = [s.get("src", "") for s in page.select("script")]
    assert any(src.endswith("/static/articles/word-count.js") for src in scripts)
    assert finders.find("articles/word-count.js")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def listed_articles(count, section):
    for n in range(count):
        make_article(
            section=section,
            authors=[make_author()],
            lead_image=make_image(
                file=image_upload(f"row-{n}.jpg", 400, 300), alt_text=f"Row {n}"
            ),
        )


def test_article_list_shows_each_rows_thumbnail_in_constant_queries(
    client, editor, django_assert_max_num_queries
):
    """
    Each row shows its own lead image's smallest JPEG; the list costs the same
    number of queries for 2 rows, each with its own picture, as for 8.
    """
    section = make_section()
    listed_articles(2, section)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    listed_articles(6, section)
    with django_assert_max_num_queries(len(few)):
        response = client.get(CHANGELIST)
    page = parse(response)
    thumbnails = page.select("#result_list .field-thumbnail img.newsroom-thumbnail")
    assert len(thumbnails) == 8
    expected = {
        article.lead_image.thumbnail_rendition.file.url
        for article in Article.objects.select_related("lead_image")
    }
    assert {img["src"] for img in thumbnails} == expected


def test_a_lead_picture_is_uploaded_from_the_article_form(client, editor):
    """
    A picture chosen on the article form becomes an Image with the alt text,
    credit and caption typed beside it, and the article's lead image.
    """
    section = make_section()
    data = form_data(client.get(ADD), "form#article_form")
    data.update(
        {
            "title": "Storm closes the harbour",
            "slug": "storm-closes-harbour",
            "section": section.pk,
            "new_lead_image": image_upload("storm.jpg", 1200, 800),
            "new_lead_image_alt_text": "Waves breaking over the harbour wall",
            "new_lead_image_credit": "Jane Photographer",
            "lead_image_caption": "The east pier at high tide.",
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    image = article.lead_image
    assert image.alt_text == "Waves breaking over the harbour wall"
    assert image.credit == "Jane Photographer"
    assert image.caption == "The east pier at high tide."
    assert image.uploaded_by == editor
    assert article.lead_image_caption == ""
    assert article.caption == "The east pier at high tide."
    assert image.renditions.filter(shape="card").exists()


def test_uploaded_lead_picture_needs_alt_text_credit_and_caption(client, editor):
    """
    Without its alt text, credit and caption the upload is refused with a
    message for each, nothing is stored, and what was typed stays in the form.
    """
    section = make_section()
    data = form_data(client.get(ADD), "form#article_form")
    data.update(
        {
            "title": "Storm closes the harbour",
            "slug": "storm-closes-harbour",
            "section": section.pk,
            "new_lead_image": image_upload("storm.jpg", 1200, 800),
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["new_lead_image_alt_text"] == ["A new picture needs its alt text."]
    assert errors["new_lead_image_credit"] == ["A new picture needs its credit."]
    assert errors["lead_image_caption"] == ["A new picture needs its caption."]
    assert not Article.objects.exists() and not Image.objects.exists()
    page = parse(response)
    assert page.select_one("#id_title")["value"] == "Storm closes the harbour"


def test_choosing_a_lead_image_and_uploading_one_is_refused(client, editor):
    """An existing picture and a new upload at once: the editor must choose."""
    existing = make_image()
    data = form_data(client.get(ADD), "form#article_form")
    data.update(
        {
            "title": "Storm closes the harbour",
            "slug": "storm-closes-harbour",
            "section": make_section().pk,
            "lead_image": existing.pk,
            "new_lead_image": image_upload("storm.jpg", 1200, 800),
            "new_lead_image_alt_text": "Waves",
            "new_lead_image_credit": "Jane Photographer",
            "lead_image_caption": "The east pier.",
        }
    )
    response = client.post(ADD, data)
    assert response.context["adminform"].form.errors["new_lead_image"] == [
        "Choose an existing lead image or upload a new one, not both."
    ]
    assert Image.objects.get() == existing


def test_a_side_group_holding_an_error_is_shown_open(client, editor):
    """
    Posted without a section, the form comes back with the Story group as a
    plain fieldset (not a closed <details>), while the groups without an
    error stay collapsible.
    """
    data = form_data(client.get(ADD), "#article_form")
    response = client.post(ADD, {**data, "title": "No section", "section": ""})
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("#id_section").find_parent("details") is None
    assert page.select_one("#id_status").find_parent("details") is not None
