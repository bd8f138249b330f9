"""
No lost saves: of two people who opened the same article, the second to save
is told who saved meanwhile and what they changed, keeps what they typed, and
saves again only if they mean to; the change form shows who else opened the
article lately.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, ArticleOpening
from tests.factories import make_article, make_editor
from tests.html import form_data, parse, text

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def editor_client(username, first_name, last_name):
    user = make_editor(username)
    user.first_name, user.last_name = first_name, last_name
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def aoife():
    return editor_client("aoife", "Aoife", "Byrne")


@pytest.fixture
def brian():
    return editor_client("brian", "Brian", "Walsh")


@pytest.fixture
def article():
    return make_article(
        title="Harbour plan approved",
        standfirst="The council voted on Tuesday.",
        body="<p>The council met on Tuesday.</p>",
    )


def opened(client, article):
    """The change form's fields as the browser holds them after opening it."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return form_data(response, "#article_form")


def save(client, article, data, **changes):
    return client.post(change_url(article), {**data, **changes, "_save": "Save"})


def test_the_second_of_two_saves_is_refused_and_both_peoples_work_is_kept(
    aoife, brian, article
):
    """
    Aoife and Brian open the article; Aoife changes the standfirst and saves;
    Brian changes the headline and saves: refused, naming Aoife and showing
    her standfirst change, with Brian's headline still in his form and
    nothing of his saved. Saving that form again is his deliberate choice
    and goes through; Aoife's version stays among the revisions.
    """
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    response = save(
        aoife, article, aoife_form, standfirst="The council voted on Monday."
    )
    assert response.status_code == 302

    response = save(brian, article, brian_form, title="Harbour plan rejected")
    assert response.status_code == 200
    page = parse(response)
    errors = text(page.select_one(".errorlist.nonfield"))
    assert errors.startswith("Not saved: Aoife Byrne")
    assert "Your changes are still in the form below" in errors
    conflict = page.select_one(".save-conflict")
    assert "Changed meanwhile by Aoife Byrne" in text(conflict.select_one("h2"))
    (row,) = conflict.select(".revision-changes tbody tr")
    assert text(row.th) == "Standfirst"
    assert text(row.select_one("del")) == "Tuesday."
    assert text(row.select_one("ins")) == "Monday."
    assert page.select_one("#id_title")["value"] == "Harbour plan rejected"
    article.refresh_from_db()
    assert article.title == "Harbour plan approved"
    assert article.standfirst == "The council voted on Monday."

    response = save(brian, article, form_data(response, "#article_form"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour plan rejected"
    aoife_revision = article.revisions.get(created_by__username="aoife")
    assert aoife_revision.content["standfirst"] == "The council voted on Monday."


def test_saving_twice_in_a_row_is_no_conflict(aoife, article):
    data = opened(aoife, article)
    assert save(aoife, article, data, title="First").status_code == 302
    data = opened(aoife, article)
    assert save(aoife, article, data, title="Second").status_code == 302


def test_a_save_made_outside_the_form_is_caught_too(aoife, article):
    """A save that kept no revision (a script) still changes the token."""
    data = opened(aoife, article)
    Article.objects.get(pk=article.pk).save()
    response = save(aoife, article, data, title="Mine")
    assert response.status_code == 200
    assert "Not saved: someone saved this article" in response.text


def test_the_check_locks_the_articles_row_until_the_save_is_done(aoife, article):
    data = opened(aoife, article)
    with CaptureQueriesContext(connection) as queries:
        save(aoife, article, data, title="Mine")
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert any('"articles_article"' in sql for sql in locks)
    else:  # SQLite: the admin's transaction takes the database's write lock
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_let_exactly_one_through(aoife, brian, article):
    """
    Both posts race from two threads with tokens of the same moment: the
    row lock (or SQLite's write lock) lets one save, the other is refused.
    """
    forms = {aoife: opened(aoife, article), brian: opened(brian, article)}
    statuses = []
    start = threading.Barrier(2)

    def post(client, title):
        start.wait()
        try:
            statuses.append(
                save(client, article, forms[client], title=title).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(aoife, "Aoife's headline")),
        threading.Thread(target=post, args=(brian, "Brian's headline")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 302]
    article.refresh_from_db()
    assert article.title in ("Aoife's headline", "Brian's headline")


def test_the_form_shows_who_else_opened_the_article_lately(aoife, brian, article):
    opened(aoife, article)
    response = brian.get(change_url(article))
    notice = text(parse(response).select_one(".also-open"))
    assert notice.startswith("Also opened in the last few minutes by Aoife Byrne (")
    assert "Brian" not in notice
    ArticleOpening.objects.update(opened_at=timezone.now() - timedelta(minutes=11))
    response = brian.get(change_url(article))
    assert not parse(response).select(".also-open")


def test_change_form_queries_do_not_grow_with_revisions_or_people(
    aoife, article, django_assert_max_num_queries
):
    """The same queries with 1 revision and 1 other person as with 30 and 10."""
    revisions.record(article, None)
    opened(editor_client("other0", "Other", "Zero"), article)
    with CaptureQueriesContext(connection) as queries:
        aoife.get(change_url(article))
    few = len(queries)
    for _ in range(29):
        revisions.record(article, None)
    for n in range(1, 10):
        opened(editor_client(f"other{n}", "Other", str(n)), article)
    with django_assert_max_num_queries(few):
        response = aoife.get(change_url(article))
    assert text(parse(response).select_one(".also-open")).count("Other") == 10
