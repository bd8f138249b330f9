"""
No lost saves: of two people who opened the same article, the second to save
has their changes merged with the first's, field by field; only a field both
changed is asked, showing both versions, and nothing is written back stale;
the change form shows who else opened the article lately.
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
from tests.factories import make_article, make_author, make_editor
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


def both_change_the_headline(aoife, brian, article):
    """
    Aoife and Brian open the article; Aoife saves a new headline and
    standfirst, then Brian saves another headline: his answer.
    """
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    save(
        aoife,
        article,
        aoife_form,
        title="Harbour plan approved at last",
        standfirst="The council voted on Monday.",
    )
    return save(brian, article, brian_form, title="Harbour plan rejected")


def test_two_people_changing_different_fields_both_keep_their_change(
    aoife, brian, article
):
    """
    Aoife and Brian open the article; Aoife changes the standfirst and saves;
    Brian changes the headline and saves: no conflict page, both changes are
    kept, and Brian's stale copy of the standfirst is not written back.
    """
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    response = save(
        aoife, article, aoife_form, standfirst="The council voted on Monday."
    )
    assert response.status_code == 302

    response = save(brian, article, brian_form, title="Harbour plan rejected")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour plan rejected"
    assert article.standfirst == "The council voted on Monday."
    aoife_revision = article.revisions.get(created_by__username="aoife")
    assert aoife_revision.content["standfirst"] == "The council voted on Monday."
    brian_revision = article.revisions.get(created_by__username="brian")
    assert brian_revision.content["standfirst"] == "The council voted on Monday."


def test_fields_neither_changed_keep_the_stored_values_of_every_kind(
    aoife, brian, article
):
    """
    The merge covers more than text: Aoife's new tags, kind and
    publication state survive Brian's save of the body from a form opened
    before hers.
    """
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    response = save(
        aoife, article, aoife_form, tags="harbour, council", kind="analysis"
    )
    assert response.status_code == 302
    response = save(brian, article, brian_form, body="<p>The council met again.</p>")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>The council met again.</p>"
    assert article.kind == "analysis"
    assert sorted(article.tags.names()) == ["council", "harbour"]


def test_a_field_both_changed_shows_both_versions_and_saves_nothing(
    aoife, brian, article
):
    """
    Both change the headline (Aoife also the standfirst): Brian's save is
    refused, naming Aoife, with her headline and his side by side and a
    choice between them; nothing of his is saved, and his form now holds
    her standfirst, not his stale copy.
    """
    response = both_change_the_headline(aoife, brian, article)
    assert response.status_code == 200
    page = parse(response)
    errors = text(page.select_one(".errorlist.nonfield"))
    assert errors.startswith("Not saved: Aoife Byrne")
    assert "changed what you changed: headline" in errors
    conflict = page.select_one(".save-conflict")
    assert "Changed meanwhile by Aoife Byrne" in text(conflict.select_one("h2"))
    (row,) = conflict.select(".merge-asks tbody tr")
    assert text(row.th) == "Headline"
    assert text(row.select_one(".merge-theirs")) == "Harbour plan approved at last"
    assert text(row.select_one(".merge-yours")) == "Harbour plan rejected"
    radios = row.select('input[type="radio"][name="keep_title"]')
    assert [r["value"] for r in radios] == ["theirs", "yours"]
    assert not any(r.has_attr("checked") for r in radios)
    assert page.select_one("#id_title")["value"] == "Harbour plan rejected"
    assert text(page.select_one("#id_standfirst")) == "The council voted on Monday."
    article.refresh_from_db()
    assert article.title == "Harbour plan approved at last"
    assert article.revisions.filter(created_by__username="brian").count() == 0


def test_saving_again_after_the_choice_does_not_revert_the_other_field(
    aoife, brian, article
):
    """
    After the conflict page, Brian keeps his headline and saves again: his
    headline goes in, Aoife's standfirst stays. Without a choice nothing is
    saved; keeping theirs keeps Aoife's headline.
    """
    response = both_change_the_headline(aoife, brian, article)
    again = form_data(response, "#article_form")

    response = save(brian, article, again)
    assert response.status_code == 200
    assert "choose which version" in text(parse(response).select_one(".errorlist"))
    article.refresh_from_db()
    assert article.title == "Harbour plan approved at last"

    response = save(brian, article, again, keep_title="yours")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour plan rejected"
    assert article.standfirst == "The council voted on Monday."


def test_keeping_their_version_keeps_it(aoife, brian, article):
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    save(aoife, article, aoife_form, title="Aoife's headline")
    response = save(
        brian, article, brian_form, title="Brian's headline", standfirst="Brian's."
    )
    response = save(
        brian, article, form_data(response, "#article_form"), keep_title="theirs"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Aoife's headline"
    assert article.standfirst == "Brian's."


def test_saving_twice_in_a_row_is_no_conflict(aoife, article):
    data = opened(aoife, article)
    assert save(aoife, article, data, title="First").status_code == 302
    data = opened(aoife, article)
    assert save(aoife, article, data, title="Second").status_code == 302


def test_a_save_made_outside_the_form_is_caught_too(aoife, article):
    """A save that kept no revision (a script) is merged with too."""
    data = opened(aoife, article)
    Article.objects.filter(pk=article.pk).update(title="Scripted")
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


def test_a_stale_form_does_not_undo_another_persons_workflow_step(
    aoife, brian, article
):
    """
    Aoife submits the draft for review; Brian, whose form still says
    draft, fixes the body: the article stays in review, with his body.
    """
    Article.objects.filter(pk=article.pk).update(status="draft", published_at=None)
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    response = save(aoife, article, aoife_form, status="review")
    assert response.status_code == 302
    response = save(brian, article, brian_form, body="<p>Fixed.</p>")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "review"
    assert article.body == "<p>Fixed.</p>"


def test_a_stale_form_does_not_write_back_the_byline(aoife, brian):
    """
    Aoife changes the writer to a reporter; Brian, who left the byline as
    he opened it, changes the headline: her byline and his headline stand.
    """
    article = make_article(authors=[make_author(name="Niamh Kelly")])
    aoife_form, brian_form = opened(aoife, article), opened(brian, article)
    response = save(aoife, article, aoife_form, **{"bylines-0-role": "reporter"})
    assert response.status_code == 302
    response = save(brian, article, brian_form, title="Brian's headline")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Brian's headline"
    assert [b.role for b in article.bylines.all()] == ["reporter"]
