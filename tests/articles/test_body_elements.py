"""
Body elements (docs/body-elements.md): the sanitizer keeps exactly their
format, saves keep the body's references, and the reading page renders each
element from the rows it refers to, in a fixed number of queries.
"""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.body import sanitize_body
from articles.models import Article, ArticleBodyReference, ResolvedEmbed
from newsroom.cache.versions import version_memo
from tests.articles.workflow_forms import form_errors, post_change
from tests.factories import image_upload, make_article, make_image, make_member

pytestmark = pytest.mark.django_db

EVERY_ELEMENT = (
    "<p>Text first.</p>"
    '<figure data-element="picture" data-image="{picture}" data-placement="wide">'
    "<figcaption>The pier at low tide.</figcaption></figure>"
    '<figure data-element="gallery">'
    '<figure data-element="picture" data-image="{first}"><figcaption>One</figcaption>'
    "</figure>"
    '<figure data-element="picture" data-image="{second}"><figcaption>Two</figcaption>'
    "</figure></figure>"
    '<figure data-element="embed" data-url="https://www.youtube.com/watch?v=abc&amp;t=1">'
    "</figure>"
    '<blockquote data-element="pull-quote"><p>We will build it.</p>'
    "<cite>The mayor</cite></blockquote>"
    '<aside data-element="fact-box"><h2>Key points</h2><ul><li><p>A pier</p></li>'
    "</ul></aside>"
    '<aside data-element="read-more" data-article="{article}"></aside>'
    "<table><caption>Budget</caption><thead><tr><th>Item</th><th>Cost</th></tr>"
    "</thead><tbody><tr><td>Pier</td><td>€2m</td></tr></tbody></table>"
    '<aside data-element="update" data-at="2026-12-06T14:32"><p>The vote passed.</p>'
    "</aside>"
)


def small_image(**kwargs):
    return make_image(file=image_upload(width=480, height=270), **kwargs)


@pytest.fixture
def story():
    """An article using every element, and what its body refers to."""
    pictures = [small_image(credit=f"Photographer {n}") for n in range(3)]
    other = make_article(title="Harbour plan explained", lead_image=small_image())
    body = EVERY_ELEMENT.format(
        picture=pictures[0].pk,
        first=pictures[1].pk,
        second=pictures[2].pk,
        article=other.pk,
    )
    article = make_article(body=body)
    return {"article": article, "pictures": pictures, "other": other}


def page(client, article):
    cache.clear()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_sanitizer_keeps_every_element_as_stored(story):
    """Each element of the format survives sanitizing unchanged."""
    article = story["article"]
    article.refresh_from_db()
    assert sanitize_body(article.body) == article.body
    for fragment in ('data-placement="wide"', 'data-element="gallery"', "<cite>"):
        assert fragment in article.body
    assert 'data-url="https://www.youtube.com/watch?v=abc&amp;t=1"' in article.body


@pytest.mark.parametrize(
    "hostile",
    [
        '<figure data-element="picture" data-image="1 onload=x"></figure>',
        '<figure data-element="picture" data-image="1" data-placement="huge"></figure>',
        '<figure data-element="embed" data-url="javascript:alert(1)"></figure>',
        '<figure data-element="embed" data-url="http://example.ie/"></figure>',
        '<aside data-element="update" data-at="tomorrow"></aside>',
        '<aside data-element="update" data-at="2026-13-45T25:61"></aside>',
        '<aside data-element="gallery"></aside>',
        '<figure data-element="picture" data-image="1" onclick="x" style="x"></figure>',
        "<table><tr><td colspan=2 rowspan=2>x</td></tr></table>",
    ],
)
def test_sanitizer_drops_attributes_outside_the_format(hostile):
    """Wrong values, other attributes and merged cells are dropped."""
    clean = sanitize_body(hostile)
    for word in ("onload", "huge", "javascript", "http:", "tomorrow", "13-45"):
        assert word not in clean
    for word in ("gallery",):
        assert word not in clean
    for word in ("onclick", "style", "colspan", "rowspan"):
        assert word not in clean


def test_a_gallery_over_200_pictures_is_refused_and_the_text_kept():
    """The form says why and shows the body as typed; nothing is saved."""
    pictures = "".join(
        f'<figure data-element="picture" data-image="{n}"></figure>'
        for n in range(1, 202)
    )
    body = f'<p>Match report.</p><figure data-element="gallery">{pictures}</figure>'
    form_class = forms.modelform_factory(Article, fields=["body"])
    form = form_class(data={"body": body})
    assert not form.is_valid()
    assert "at most 200 pictures" in form.errors["body"][0]
    assert form["body"].value() == body


def test_a_gallery_of_200_pictures_is_accepted():
    pictures = '<figure data-element="picture" data-image="1"></figure>' * 200
    form_class = forms.modelform_factory(Article, fields=["body"])
    form = form_class(
        data={"body": f'<figure data-element="gallery">{pictures}</figure>'}
    )
    assert form.is_valid(), form.errors


def test_saving_keeps_the_body_references(story):
    """Pictures and card articles the body names are rows; removing them drops them."""
    article = story["article"]
    rows = ArticleBodyReference.objects.filter(article=article)
    assert {r.image_id for r in rows if r.image_id} == {p.pk for p in story["pictures"]}
    assert {r.target_id for r in rows if r.target_id} == {story["other"].pk}
    article.body = "<p>Only words now.</p>"
    article.save()
    assert not ArticleBodyReference.objects.filter(article=article).exists()


def test_references_to_nothing_are_not_kept():
    article = make_article(
        body='<figure data-element="picture" data-image="999999"></figure>'
    )
    assert not ArticleBodyReference.objects.filter(article=article).exists()


def test_article_page_renders_every_element(client, story):
    """Each element through its template, with the library's credit."""
    html = page(client, story["article"])
    body = BeautifulSoup(html, "html.parser").select_one(".article__body")
    wide = body.select_one(".element-picture--wide")
    assert "The pier at low tide." in wide.figcaption.text
    assert "Photographer 0" in wide.figcaption.text
    gallery = body.select(".gallery .gallery__item img")
    assert len(gallery) == 2
    assert all(img["loading"] == "lazy" for img in gallery)
    captions = [f.text for f in body.select(".gallery figcaption")]
    assert "One" in captions[0] and "Two" in captions[1]
    link = body.select_one(".embed a")
    assert link["href"] == "https://www.youtube.com/watch?v=abc&t=1"
    assert body.select_one(".pull-quote figcaption").text == "The mayor"
    assert body.select_one(".fact-box h2").text == "Key points"
    assert body.select_one(".read-more__title").text == "Harbour plan explained"
    assert body.select_one(".element-table table caption").text == "Budget"
    note = body.select_one(".update-note")
    assert "Update, 14:32:" in note.text and "The vote passed." in note.text
    assert "<iframe" not in html


def test_read_more_card_shows_the_current_headline(client, story):
    other = story["other"]
    other.title = "Harbour plan: what changed"
    other.save()
    html = page(client, story["article"])
    assert "Harbour plan: what changed" in html
    assert "Harbour plan explained" not in html


def test_read_more_card_disappears_when_its_article_is_taken_down(client, story):
    story["other"].unpublish()
    html = page(client, story["article"])
    assert 'class="read-more"' not in html


def test_a_picture_whose_rights_lapsed_leaves_the_body(client, story):
    lapsed = story["pictures"][0]
    lapsed.rights_expire_on = timezone.localdate() - timedelta(days=1)
    lapsed.save()
    html = page(client, story["article"])
    assert "The pier at low tide." not in html
    assert "Photographer 0" not in html
    assert "Photographer 1" in html


def test_gallery_viewer_script_loads_only_with_a_gallery(client, story):
    assert "articles/gallery.js" in page(client, story["article"])
    plain = make_article(body="<p>Words.</p>")
    assert "gallery.js" not in page(client, plain)


def test_pictures_article_leads_with_its_gallery(client, story):
    """A Pictures article shows its first gallery in the lead's place, once."""
    article = story["article"]
    article.kind = Article.Kind.PICTURES
    article.lead_image = small_image(credit="Lead photographer")
    article.save()
    document = BeautifulSoup(page(client, article), "html.parser")
    assert document.select(".article__lead-gallery .gallery__item")
    assert not document.select(".article__body .gallery")
    assert "Lead photographer" not in document.text
    # The head preloads what the reader sees first, the gallery's first
    # picture, and never the lead picture the page does not show.
    (preload,) = document.select('link[rel="preload"][as="image"]')
    first = document.select_one(".article__lead-gallery picture")
    best = first.select_one("source") or first.select_one("img")
    assert preload["imagesrcset"] == best["srcset"]
    # The first picture is what the reader sees first: it is not lazy.
    loading = [img["loading"] for img in document.select(".article__lead-gallery img")]
    assert loading == ["eager", "lazy"]


def heavy_body():
    """20 body pictures, a 40-picture gallery and 5 embeds."""
    pictures = [small_image() for _ in range(60)]
    singles = "".join(
        f'<figure data-element="picture" data-image="{p.pk}"></figure>'
        for p in pictures[:20]
    )
    gallery = "".join(
        f'<figure data-element="picture" data-image="{p.pk}"></figure>'
        for p in pictures[20:]
    )
    embeds = "".join(
        f'<figure data-element="embed" data-url="https://vimeo.com/{n}"></figure>'
        for n in range(5)
    )
    return f'{singles}<figure data-element="gallery">{gallery}</figure>{embeds}'


def empty_every_cache():
    """Every cache emptied: the shared one and this process's memo of the version."""
    for kept in caches.all():
        kept.clear()
    version_memo.__init__()


@pytest.mark.parametrize("kind", [Article.Kind.NEWS, Article.Kind.PICTURES])
@pytest.mark.parametrize("kept_seconds", [24 * 3600, 0], ids=["kept", "not-kept"])
def test_article_page_queries_do_not_grow_with_body_elements(
    client, settings, django_assert_num_queries, kind, kept_seconds
):
    """
    An article with 20 pictures, a 40-picture gallery and 5 embeds (resolved:
    shown behind their facades) runs the queries of one with none (what its
    body refers to comes with its row): cold (every cache empty) and warm,
    with the page's parts kept in the shared cache and without; a Pictures
    article (its gallery in the lead's place) too.
    """
    settings.FRAGMENT_CACHE_SECONDS = kept_seconds
    plain = make_article(body="<p>Words only.</p>", kind=kind)
    heavy = make_article(body=heavy_body(), kind=kind)
    # 60 pictures and 5 embeds, each one reference row.
    assert ArticleBodyReference.objects.filter(article=heavy).count() == 65
    ResolvedEmbed.objects.update(
        status=ResolvedEmbed.Status.RESOLVED,
        title="Council meeting",
        iframe_src="https://player.vimeo.com/video/1?dnt=1",
    )

    empty_every_cache()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(plain.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(plain.get_absolute_url()).status_code == 200
    assert len(cold) <= 10

    empty_every_cache()
    with django_assert_num_queries(len(cold)):
        response = client.get(heavy.get_absolute_url())
    document = BeautifulSoup(response.content, "html.parser")
    assert len(document.select(".article img")) == 60
    assert len(document.select(".embed--facade")) == 5
    # With its parts kept a warm page reads nothing, whatever its body.
    with django_assert_num_queries(len(warm)):
        assert client.get(heavy.get_absolute_url()).status_code == 200


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editor"))
    return client


def test_change_form_refuses_a_gallery_over_200_pictures(editor_client):
    """A crafted POST is refused, the body as typed is shown, nothing is stored."""
    article = make_article(status=Article.Status.DRAFT, body="<p>Before.</p>")
    pictures = '<figure data-element="picture" data-image="1"></figure>' * 201
    body = f'<figure data-element="gallery">{pictures}</figure>'
    response = post_change(editor_client, article, body=body)
    assert response.status_code == 200
    assert "at most 200 pictures" in " ".join(form_errors(response)["body"])
    assert response.context["adminform"].form["body"].value() == body
    article.refresh_from_db()
    assert article.body == "<p>Before.</p>"


def test_change_form_stores_elements_without_hostile_markup(editor_client, story):
    """Scripts, iframes, handlers and javascript: URLs never reach the database."""
    article = story["article"]
    picture = story["pictures"][0]
    hostile = (
        f'<figure data-element="picture" data-image="{picture.pk}" onclick="x()">'
        "<figcaption>Cap<script>x()</script></figcaption></figure>"
        '<figure data-element="embed" data-url="javascript:alert(1)"></figure>'
        '<iframe src="https://evil.example/"></iframe>'
        '<aside data-element="read-more" data-article="1 or 1=1"></aside>'
    )
    response = post_change(editor_client, article, body=hostile)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    for word in ("onclick", "script", "javascript", "iframe", "1=1"):
        assert word not in article.body
    assert f'data-image="{picture.pk}"' in article.body
