"""
Drafts saved while typing: the article form's script posts its writing
fields to a CSRF-protected endpoint of the article admin, which keeps one
draft per article and user, apart from the revisions; the form offers a
newer draft back, restores or discards it, and a real save deletes it.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleDraft
from tests.factories import make_article, make_editor, make_staff
from tests.html import form_data, parse, text

pytestmark = pytest.mark.django_db


def draft_url(article=None):
    if article is None:
        return reverse("admin:articles_article_draft_new")
    return reverse("admin:articles_article_draft", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_draft(client, article=None, **fields):
    return client.post(draft_url(article), {"fields": json.dumps(fields)})


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


@pytest.fixture
def article():
    return make_article(title="Harbour plan approved", body="<p>The council met.</p>")


def test_anonymous_visitors_are_sent_to_sign_in(client, article):
    response = post_draft(client, article, body="<p>Hello</p>")
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not ArticleDraft.objects.exists()


def test_staff_who_may_not_change_the_article_are_refused(client, article):
    client.force_login(make_staff("reader", ["articles.view_article"]))
    assert post_draft(client, article, body="<p>Hi</p>").status_code == 403
    assert post_draft(client, None, body="<p>Hi</p>").status_code == 403
    assert not ArticleDraft.objects.exists()


def test_a_draft_needs_the_csrf_token(editor, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post_draft(client, article, body="<p>Hi</p>").status_code == 403
    assert not ArticleDraft.objects.exists()


def test_a_draft_is_stored_then_replaced_one_per_article_and_user(
    client, editor, article
):
    """Only the writing fields are kept; a second post replaces the first."""
    response = post_draft(client, article, title="Draft one", status="published")
    assert response.status_code == 200
    response = post_draft(client, article, title="Draft two", body="<p>More</p>")
    assert response.status_code == 200
    draft = ArticleDraft.objects.get()
    assert (draft.article, draft.user) == (article, editor)
    assert draft.fields == {"title": "Draft two", "body": "<p>More</p>"}
    assert article.revisions.count() == 0
    post_draft(client, None, title="A new one")
    assert ArticleDraft.objects.get(article=None).fields == {"title": "A new one"}


def test_a_draft_too_large_is_refused(client, editor, article):
    body = "<p>" + "word " * (ArticleDraft.MAX_BYTES // 5) + "</p>"
    response = post_draft(client, article, body=body)
    assert response.status_code == 413
    assert not ArticleDraft.objects.exists()


def test_the_form_offers_a_newer_draft_back_and_restores_it(client, editor, article):
    post_draft(client, article, title="What I was writing", body="<p>Half a sen</p>")
    page = parse(client.get(change_url(article)))
    offer = text(page.select_one(".draft-offer"))
    assert "Restore what you were writing at " in offer
    assert "Discard" in offer
    restored = parse(client.get(change_url(article) + "?restore_draft=1"))
    assert restored.select_one("#id_title")["value"] == "What I was writing"
    assert "Half a sen" in text(restored.select_one("#id_body"))
    assert not restored.select(".draft-offer")


def test_a_draft_older_than_the_last_save_is_not_offered(client, editor, article):
    post_draft(client, article, title="Old")
    ArticleDraft.objects.update(saved_at=timezone.now() - timedelta(hours=1))
    assert not parse(client.get(change_url(article))).select(".draft-offer")


def test_discarding_a_draft_deletes_it(client, editor, article):
    post_draft(client, article, title="Unwanted")
    url = reverse("admin:articles_article_draft_discard", args=[article.pk])
    assert client.post(url).status_code == 302
    assert not ArticleDraft.objects.exists()


def test_saving_the_article_deletes_the_draft(client, editor, article):
    data = form_data(client.get(change_url(article)), "#article_form")
    post_draft(client, article, title="Typing")
    response = client.post(change_url(article), {**data, "title": "Saved"})
    assert response.status_code == 302
    assert not ArticleDraft.objects.exists()


def test_the_form_loads_the_draft_script_and_its_endpoint(client, editor, article):
    page = parse(client.get(change_url(article)))
    scripts = [s.get("src", "") for s in page.select("script")]
    assert any(src.endswith("articles/drafts.js") for src in scripts)
    marker = page.select_one("[data-draft-save-url]")
    assert marker["data-draft-save-url"] == draft_url(article)
