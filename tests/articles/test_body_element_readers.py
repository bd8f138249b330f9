"""
Everything else that reads a body understands its elements: word count and
reading time, search, structured data, the publish checks and the revision
diff (docs/body-elements.md, "Who reads it").
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles import checks, revisions
from articles.models import Article
from articles.revisions import body_text, word_diff
from tests.articles.test_structured_data import json_ld
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_editor,
    make_image,
)

pytestmark = pytest.mark.django_db


def small_image(**kwargs):
    return make_image(file=image_upload(width=480, height=270), **kwargs)


def picture(image, caption=""):
    return (
        f'<figure data-element="picture" data-image="{image.pk}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def test_word_count_includes_captions_quotes_fact_boxes_and_tables():
    """Each element's words count towards the word count and reading time."""
    image = small_image()
    article = make_article(
        body="<p>One two.</p>"
        + picture(image, "three four")
        + '<figure data-element="gallery">'
        + picture(image, "five")
        + "</figure>"
        + '<blockquote data-element="pull-quote"><p>six</p><cite>seven</cite>'
        "</blockquote>"
        '<aside data-element="fact-box"><h2>eight</h2><ul><li><p>nine</p></li>'
        "</ul></aside>"
        "<table><caption>ten</caption><tbody><tr><td>eleven</td></tr></tbody>"
        "</table>"
    )
    assert article.word_count == 11


def test_search_finds_an_article_by_a_caption_quote_or_fact_box(client):
    image = small_image()
    article = make_article(
        title="Cup final",
        body=picture(image, "Goalkeeper Ní Bhriain saves")
        + '<blockquote data-element="pull-quote"><p>Unbelievable afternoon</p>'
        "</blockquote>"
        '<aside data-element="fact-box"><h2>Key points</h2><ul><li><p>Attendance '
        "record broken</p></li></ul></aside>",
    )
    for query in ("goalkeeper", "unbelievable", "attendance"):
        assert list(Article.objects.published().search(query)) == [article], query


def test_json_ld_lists_the_body_pictures(client):
    """The lead picture's shapes first, then each body picture once, in order."""
    first, second = small_image(), small_image()
    article = make_article(
        lead_image=small_image(),
        body=picture(first)
        + '<figure data-element="gallery">'
        + picture(second)
        + picture(first)
        + "</figure>",
    )
    data = json_ld(client.get(article.get_absolute_url()))
    images = data["NewsArticle"]["image"]
    body_urls = images[-2:]
    assert body_urls == [
        f"{settings.SITE_URL}{first.fallback_url}",
        f"{settings.SITE_URL}{second.fallback_url}",
    ]


def test_publish_checks_cover_every_picture_in_the_body():
    """Alt text, credit and rights of body and gallery pictures block going live."""
    ok = small_image()
    no_credit = small_image(credit="")
    lapsed = small_image(rights_expire_on=timezone.localdate() - timedelta(days=1))
    article = make_article(
        status=Article.Status.DRAFT,
        standfirst="The harbour will be dredged from March, the port company said.",
        body="<p>Words.</p>"
        + picture(ok)
        + '<figure data-element="gallery">'
        + picture(no_credit)
        + picture(lapsed)
        + "</figure>"
        + '<figure data-element="picture" data-image="999999"></figure>',
        authors=[make_author()],
    )
    found = checks.problems(article, byline_count=1)
    assert "Picture 2 in the body has no credit" in " ".join(found)
    assert any(
        p.startswith("The rights to picture 3 in the body expired") for p in found
    )
    assert not any("Picture 1 in the body" in p for p in found)


def test_publish_checks_see_a_missing_body_picture():
    article = make_article(
        status=Article.Status.DRAFT,
        body='<p>Words.</p><figure data-element="picture" data-image="999999">'
        "</figure>",
    )
    found = checks.problems(article, byline_count=1)
    assert "Picture 1 in the body is no longer in the library" in " ".join(found)


def test_revision_diff_shows_elements_added_and_removed():
    before = '<p>Report.</p><figure data-element="picture" data-image="4"></figure>'
    after = (
        '<p>Report.</p><figure data-element="embed" '
        'data-url="https://vimeo.com/1"></figure>'
    )
    diff = word_diff(body_text(before), body_text(after))
    assert "<del>[Picture 4]</del>" in diff
    assert "<ins>[Embed https://vimeo.com/1]</ins>" in diff


def test_a_body_of_only_a_gallery_is_not_empty():
    """A Pictures article told in a gallery alone may go live."""
    image = small_image()
    body = '<figure data-element="gallery">' + picture(image) + "</figure>"
    assert body_text(body) == f"[Gallery]\n[Picture {image.pk}]"


def test_revision_diff_shows_elements_moved():
    """
    An element taken out in one place and put back in another is shown
    moved, where it was and where it is; one added or removed stays so.
    """
    picture = '<figure data-element="picture" data-image="4"></figure>'
    embed = '<figure data-element="embed" data-url="https://vimeo.com/1"></figure>'
    card = '<aside data-element="read-more" data-article="9"></aside>'
    before = f"<p>Report.</p>{picture}<p>Middle words.</p>{embed}{card}"
    after = f"<p>Report.</p>{embed}<p>Middle words.</p>{picture}{picture}"
    diff = word_diff(body_text(before), body_text(after))
    assert diff.count('<del class="moved">[Picture 4, moved from here]</del>') == 1
    assert diff.count('<ins class="moved">[Picture 4, moved here]</ins>') == 1
    assert '<del class="moved">[Embed https://vimeo.com/1, moved from here]' in diff
    assert '<ins class="moved">[Embed https://vimeo.com/1, moved here]</ins>' in diff
    # The second copy of the picture is new; the card is gone.
    assert "<ins>[Picture 4]</ins>" in diff
    assert "<del>[Read more, article 9]</del>" in diff


def test_revision_diff_of_an_element_in_place_shows_no_move():
    """Text edited around an element leaves the element unmarked."""
    picture = '<figure data-element="picture" data-image="4"></figure>'
    diff = word_diff(
        body_text(f"<p>Old words.</p>{picture}"),
        body_text(f"<p>New words.</p>{picture}"),
    )
    assert "moved" not in diff and "[Picture 4]" in diff
    assert "<del>Old</del> <ins>New</ins>" in diff


def test_revision_page_shows_a_moved_element(client):
    """The article's revision comparison in the admin says what moved."""
    first, second = small_image(), small_image()
    article = make_article(body=picture(first) + "<p>Words.</p>" + picture(second))
    older = revisions.record(article)
    article.body = picture(second) + "<p>Words.</p>" + picture(first)
    article.save()
    newer = revisions.record(article)
    client.force_login(make_editor())
    url = reverse("admin:articles_article_revision_compare", args=[article.pk])
    page = client.get(url, {"a": newer.pk, "b": older.pk}).content.decode()
    assert f"[Picture {first.pk}, moved here]" in page
    assert f"[Picture {second.pk}, moved from here]" in page
