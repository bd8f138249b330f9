"""
The sharing picture: any of the article's own pictures (its lead, a body
picture, a gallery picture) may be chosen for og:image, twitter:image and
first place in the JSON-LD `image`; the lead picture otherwise, and again
once the chosen one leaves the article or its rights lapse.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article
from tests.articles.test_admin import article_form_data
from tests.articles.test_body_elements import small_image
from tests.articles.test_structured_data import json_ld
from tests.factories import make_article, make_editor
from tests.html import parse

pytestmark = pytest.mark.django_db


def picture(image):
    return f'<figure data-element="picture" data-image="{image.pk}"></figure>'


def gallery(*images):
    return (
        '<figure data-element="gallery">' + "".join(map(picture, images)) + "</figure>"
    )


def shared_url(image):
    shared = image.share_rendition
    return settings.SITE_URL + (shared.file.url if shared else image.fallback_url)


def sharing_tags(client, article):
    page = parse(client.get(article.get_absolute_url()))
    return (
        page.select_one('meta[property="og:image"]')["content"],
        page.select_one('meta[name="twitter:image"]')["content"],
        page.select_one('meta[property="og:image:alt"]')["content"],
    )


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_the_lead_picture_is_shared_by_default(client):
    lead = small_image(alt_text="The harbour")
    article = make_article(
        lead_image=lead, body="<p>Words.</p>" + picture(small_image())
    )
    url = shared_url(lead)
    assert sharing_tags(client, article) == (url, url, "The harbour")


@pytest.mark.parametrize("where", ["body", "gallery"])
def test_a_chosen_body_or_gallery_picture_is_shared_and_first_in_json_ld(client, where):
    lead, other, chosen = small_image(), small_image(), small_image(alt_text="Boats")
    body = picture(other) + (picture(chosen) if where == "body" else gallery(chosen))
    article = make_article(lead_image=lead, body=body, share_image=chosen)
    url = shared_url(chosen)
    assert sharing_tags(client, article) == (url, url, "Boats")
    images = json_ld(client.get(article.get_absolute_url()))["NewsArticle"]["image"]
    assert images[0] == url
    # The lead picture follows, then the other body picture, each once.
    assert shared_url(lead) in images
    assert images[-1] == settings.SITE_URL + other.fallback_url
    assert len(images) == len(set(images))


def test_an_article_without_a_lead_shares_its_chosen_picture(client):
    chosen = small_image()
    article = make_article(body=picture(chosen), share_image=chosen)
    url = shared_url(chosen)
    assert sharing_tags(client, article)[:2] == (url, url)


def test_a_chosen_picture_removed_from_the_body_gives_way_to_the_lead(client):
    lead, chosen = small_image(), small_image()
    article = make_article(lead_image=lead, body=picture(chosen), share_image=chosen)
    article.body = "<p>The picture was taken out.</p>"
    article.save()
    url = shared_url(lead)
    assert sharing_tags(client, article)[:2] == (url, url)
    images = json_ld(client.get(article.get_absolute_url()))["NewsArticle"]["image"]
    assert shared_url(chosen) not in images and images[0] == url


def test_a_chosen_picture_whose_rights_lapse_gives_way_to_the_lead(client):
    lead = small_image()
    chosen = small_image(rights_expire_on=timezone.localdate() + timedelta(days=2))
    article = make_article(lead_image=lead, body=picture(chosen), share_image=chosen)
    assert sharing_tags(client, article)[0] == shared_url(chosen)
    Article.objects.filter(pk=article.pk).update(body=article.body)  # new version
    type(chosen).objects.filter(pk=chosen.pk).update(
        rights_expire_on=timezone.localdate() - timedelta(days=1)
    )
    article.refresh_from_db()
    assert article.share_picture == lead
    assert sharing_tags(client, article)[0] == shared_url(lead)


def test_a_deleted_chosen_picture_gives_way_to_the_lead(client):
    lead, chosen = small_image(), small_image()
    article = make_article(lead_image=lead, body=picture(chosen), share_image=chosen)
    chosen.delete()
    article.refresh_from_db()
    assert article.share_image is None
    assert sharing_tags(client, article)[0] == shared_url(lead)


def test_the_article_page_costs_no_query_more_with_a_chosen_picture(client):
    def queries(article):
        with CaptureQueriesContext(connection) as context:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(context)

    lead, body_picture = small_image(), small_image()
    plain = make_article(lead_image=lead, body=picture(body_picture))
    chosen = make_article(
        lead_image=lead, body=picture(body_picture), share_image=body_picture
    )
    queries(make_article())  # what every page shares, kept
    assert queries(chosen) == queries(plain)


def test_the_form_offers_the_articles_own_pictures(editor_client):
    lead = small_image(alt_text="The harbour")
    in_body, in_gallery = small_image(alt_text="Boats"), small_image(alt_text="Nets")
    stranger = small_image(alt_text="A stranger")
    article = make_article(lead_image=lead, body=picture(in_body) + gallery(in_gallery))
    page = parse(
        editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    )
    options = [
        (o["value"], o.get_text()) for o in page.select("#id_share_image option")
    ]
    assert options[0] == ("", "The lead picture")
    offered = [value for value, _ in options[1:]]
    assert offered == [str(lead.pk), str(in_body.pk), str(in_gallery.pk)]
    assert str(stranger.pk) not in offered
    assert "The harbour (lead picture" in options[1][1]


def test_editor_chooses_a_gallery_picture_to_share(editor_client):
    lead, chosen = small_image(), small_image()
    article = make_article(lead_image=lead, body="<p>Words.</p>")
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        body="<p>Words.</p>" + gallery(small_image(), chosen),
        lead_image=str(lead.pk),
        share_image=str(chosen.pk),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.share_image == chosen
    content = revisions.snapshot(article)
    assert content["share_image"] == {"id": chosen.pk, "alt_text": chosen.alt_text}


def test_a_picture_not_in_the_article_is_refused_with_a_clear_message(
    editor_client,
):
    lead, stranger = small_image(), small_image(alt_text="A stranger")
    article = make_article(lead_image=lead, body="<p>Words.</p>")
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        standfirst="Typed and kept.",
        body="<p>Words.</p>",
        lead_image=str(lead.pk),
        share_image=str(stranger.pk),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["share_image"] == [
        "“A stranger” is not one of this article's pictures. Choose its lead "
        "picture or a picture in its body or galleries, or leave it empty to "
        "share the lead picture."
    ]
    # Nothing changed; what was typed is shown again, the choice included.
    article.refresh_from_db()
    assert article.share_image is None and article.standfirst != "Typed and kept."
    page = parse(response)
    assert page.select_one("#id_standfirst").get_text().strip() == "Typed and kept."
    chosen = page.select_one("#id_share_image option[selected]")
    assert chosen["value"] == str(stranger.pk)


def test_a_picture_whose_rights_lapsed_is_refused(editor_client):
    lead = small_image()
    lapsed = small_image(rights_expire_on=timezone.localdate() - timedelta(days=1))
    article = make_article(lead_image=lead, body=picture(lapsed))
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        body=picture(lapsed),
        lead_image=str(lead.pk),
        share_image=str(lapsed.pk),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "rights to this picture have lapsed" in str(
        response.context["adminform"].form.errors["share_image"]
    )


def test_a_revision_keeps_and_restores_the_sharing_picture():
    lead, chosen = small_image(), small_image()
    article = make_article(lead_image=lead, body=picture(chosen), share_image=chosen)
    kept = revisions.record(article)
    article.share_image = None
    article.save()
    assert [
        c.label for c in revisions.changes(kept.content, revisions.snapshot(article))
    ] == ["Sharing picture"]
    revisions.restore(article, kept, None)
    article.refresh_from_db()
    assert article.share_image == chosen
