"""
The live posting page: who may publish the article posts to it, every post
is kept (two in the same second included), entries are edited, pinned,
marked as key events and deleted in place, each in the article's history.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleTransition, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_author, make_editor, make_member

pytestmark = pytest.mark.django_db


def posting_url(article):
    return reverse("admin:articles_article_live", args=[article.pk])


def action_url(entry):
    return reverse(
        "admin:articles_article_live_entry", args=[entry.article_id, entry.pk]
    )


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_anonymous_visitors_are_sent_to_log_in(client):
    """The posting page is staff-only."""
    response = client.get(posting_url(make_live_article()))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_who_may_not_publish_the_article_are_refused(client):
    """A contributor to the article, who may edit but not publish it, may not post."""
    author = make_author(name="Kim Walsh")
    client.force_login(make_member("kim", "Contributor", author=author))
    article = make_live_article(authors=[author])
    assert client.get(posting_url(article)).status_code == 403
    response = client.post(posting_url(article), {"body": "<p>Hi</p>"})
    assert response.status_code == 403
    assert not LiveEntry.objects.exists()


def test_articles_that_are_not_live_coverage_have_no_posting_page(editor_client):
    article = make_live_article(live_state="")
    assert editor_client.get(posting_url(article)).status_code == 403


def test_a_post_creates_an_entry_by_its_author_in_the_history(client):
    """The entry carries the poster's author, and the article's history says so."""
    author = make_author(name="Aoife Byrne")
    client.force_login(make_member("aoife", "Editor", author=author))
    article = make_live_article()
    page = client.get(posting_url(article))
    assert page.status_code == 200 and b"Ctrl+Enter" in page.content
    response = client.post(
        posting_url(article),
        {"headline": "Quay wall breached", "body": "<p>Water is in Main St.</p>"},
    )
    assert response.status_code == 302
    entry = article.live_entries.get()
    assert entry.headline == "Quay wall breached"
    assert list(entry.authors.all()) == [author]
    history = ArticleTransition.objects.get(article=article)
    assert "posted" in history.comment and "Quay wall breached" in history.comment


def test_two_posts_in_the_same_second_are_both_kept(editor_client, monkeypatch):
    """Entries are separate rows: simultaneous posts never replace each other."""
    article = make_live_article()
    moment = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    editor_client.post(posting_url(article), {"body": "<p>First</p>"})
    editor_client.post(posting_url(article), {"body": "<p>Second</p>"})
    bodies = sorted(article.live_entries.values_list("body", flat=True))
    assert bodies == ["<p>First</p>", "<p>Second</p>"]


def test_editing_an_entry_keeps_it_and_records_the_edit(editor_client):
    article = make_live_article()
    entry = make_entry(article, body="<p>Bridge open</p>")
    editor_client.post(
        posting_url(article) + f"?edit={entry.pk}", {"body": "<p>Bridge closed</p>"}
    )
    entry.refresh_from_db()
    assert entry.body == "<p>Bridge closed</p>"
    assert article.live_entries.count() == 1
    assert "edited" in ArticleTransition.objects.get(article=article).comment


def test_pinning_an_entry_moves_the_pin(editor_client):
    """Pinning one entry unpins the one pinned before."""
    article = make_live_article()
    old = make_entry(article, pinned=True)
    new = make_entry(article)
    editor_client.post(action_url(new), {"action": "pin"})
    assert list(article.live_entries.filter(pinned=True)) == [new]
    old.refresh_from_db()
    assert not old.pinned
    editor_client.post(action_url(new), {"action": "unpin"})
    assert not article.live_entries.filter(pinned=True).exists()


def test_key_events_and_deletes_are_made_in_place(editor_client):
    article = make_live_article()
    entry = make_entry(article)
    editor_client.post(action_url(entry), {"action": "key"})
    entry.refresh_from_db()
    assert entry.key_event
    editor_client.post(action_url(entry), {"action": "delete"})
    assert not article.live_entries.exists()
    assert ArticleTransition.objects.filter(article=article).count() == 2


def test_entry_actions_are_post_only(editor_client):
    entry = make_entry(make_live_article())
    assert editor_client.get(action_url(entry)).status_code == 405
