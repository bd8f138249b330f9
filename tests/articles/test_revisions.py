"""
Revisions: every save keeps the editable content; the admin lists them,
compares two field by field (the body word by word) and restores one as a
new revision.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, Revision
from tests.articles.test_admin import article_form_data
from tests.factories import (
    make_article,
    make_author,
    make_editor,
    make_image,
    make_section,
    make_staff,
)
from tests.html import form_data, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_editor()
    user.first_name, user.last_name = "Nuala", "Desk"
    user.save()
    client.force_login(user)
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def save_through_form(client, article, **changes):
    """Open the change form, change some fields, save; returns the response."""
    data = form_data(client.get(change_url(article)), "#article_form")
    data.update(changes)
    data["_save"] = "Save"
    return client.post(change_url(article), data)


def test_every_admin_save_keeps_a_revision_of_the_editable_content(client, editor):
    """
    Adding an article and then changing it keep two revisions by the editor,
    with headline, standfirst, body, kind, section, byline (names, roles,
    order), tags, lead image and caption, SEO fields, status and time.
    """
    section = make_section(name="Opinion")
    first, second = make_author(name="Zoe Writer"), make_author(name="Adam Lens")
    image = make_image(alt_text="Boats in the harbour")
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            section,
            bylines=[(first, "writer", 0), (second, "photographer", 1)],
            lead_image=str(image.pk),
            lead_image_caption="The harbour this week.",
            seo_title="Harbour plan",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    response = save_through_form(client, article, title="Harbour plan approved")
    assert response.status_code == 302, parse(response).select(".errorlist")

    newest, first_revision = article.revisions.all()
    assert (newest.created_by, first_revision.created_by) == (editor, editor)
    assert first_revision.content["title"] == "Harbour plan approved after long debate"
    content = newest.content
    assert content["title"] == "Harbour plan approved"
    assert content["standfirst"].startswith("The plan has so far yielded little")
    assert content["body"] == "<p>The council met on Tuesday.</p>"
    assert content["kind"] == "opinion"
    assert content["section"] == {"id": section.pk, "name": "Opinion"}
    assert content["bylines"] == [
        {"author": first.pk, "name": "Zoe Writer", "role": "writer"},
        {"author": second.pk, "name": "Adam Lens", "role": "photographer"},
    ]
    assert content["tags"] == ["council", "harbour"]
    assert content["lead_image"] == {"id": image.pk, "alt_text": "Boats in the harbour"}
    assert content["lead_image_caption"] == "The harbour this week."
    assert content["seo_title"] == "Harbour plan"
    assert (content["status"], content["published_at"]) == ("draft", None)


def test_publish_action_keeps_a_revision(client, editor):
    draft = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    revision = draft.revisions.get()
    assert revision.content["status"] == "published"
    assert revision.created_by == editor
    assert revision.comment == "Published (list)"


def test_record_keeps_a_revision_for_any_save_with_a_comment():
    """The function workflow steps call after their own saves."""
    user = make_staff("writer")
    article = make_article(tags=["Harbour"])
    article.status = Article.Status.REVIEW
    article.save()
    revision = revisions.record(article, user, "Submitted for review")
    assert revision == revisions.latest(article)
    assert (revision.created_by, revision.comment) == (user, "Submitted for review")
    assert revision.content["status"] == "review"
    assert revision.content["tags"] == ["Harbour"]


def test_word_diff_marks_removed_and_added_words_and_escapes_them():
    diff = revisions.word_diff("the <b>cat</b> sat", "the dog & cat sat")
    assert diff == "the <del>&lt;b&gt;cat&lt;/b&gt;</del> <ins>dog &amp; cat</ins> sat"


def test_word_diff_shortens_long_unchanged_stretches():
    words = " ".join(f"w{n}" for n in range(200))
    diff = revisions.word_diff(words + " old", words + " new", context=3)
    assert diff == "… w197 w198 w199 <del>old</del> <ins>new</ins>"


def test_body_changes_read_as_words_not_html():
    before = {"body": '<p>The council met on <a href="https://a.ie">Tuesday</a>.</p>'}
    after = {"body": "<p>The council met on Wednesday.</p><h2>Next</h2>"}
    (change,) = revisions.changes(before, after)
    assert change.label == "Body"
    assert change.diff == (
        "The council met on <del>Tuesday [https://a.ie].</del> "
        "<ins>Wednesday.\nNext</ins>"
    )


def test_compare_page_shows_each_changed_field(client, editor):
    """
    Two revisions compared: only the fields that differ, the body as a word
    diff in <del>/<ins>, no inline style (the admin's CSP forbids them).
    """
    other_section = make_section(name="Business")
    article = make_article(body="<p>The council met on Tuesday.</p>")
    old = revisions.record(article, editor)
    article.body = "<p>The council met on Wednesday.</p>"
    article.section = other_section
    article.save()
    article.tags.add("Harbour")
    new = revisions.record(article, editor)
    response = client.get(
        reverse("admin:articles_article_revision_compare", args=[article.pk]),
        {"a": new.pk, "b": old.pk},
    )
    assert response.status_code == 200
    page = parse(response)
    rows = {text(row.th): row.td for row in page.select(".revision-changes tbody tr")}
    assert list(rows) == ["Body", "Section", "Tags"]
    assert rows["Body"].select_one("del").get_text() == "Tuesday."
    assert rows["Body"].select_one("ins").get_text() == "Wednesday."
    assert text(rows["Section"]).endswith(f"→ {other_section.name}")
    assert text(rows["Tags"]) == "— → Harbour"
    assert not page.select("[style]")
    assert "Nuala Desk" in text(page.select_one(".revision-pair"))


def test_revision_list_shows_who_and_when(client, editor):
    article = make_article()
    revisions.record(article, None)
    revisions.record(article, editor, "Submitted for review")
    response = client.get(
        reverse("admin:articles_article_revisions", args=[article.pk])
    )
    rows = [
        [text(cell) for cell in row.select("td")[3:5]]
        for row in parse(response).select(".revision-list tbody tr")
    ]
    assert rows == [["Nuala Desk", "Submitted for review"], ["the system", "Saved"]]


def test_restoring_makes_a_new_revision_and_overwrites_nothing(client, editor):
    """
    Restoring the first revision brings back its headline, body, byline and
    tags as a third revision; the first two are unchanged, and the status
    stays as it is now.
    """
    first_author, second_author = make_author(), make_author()
    article = make_article(
        title="Harbour plan approved",
        body="<p>First version.</p>",
        authors=[first_author],
        tags=["Harbour"],
    )
    original = revisions.record(article, editor)
    save_through_form(
        client,
        article,
        title="Harbour plan shelved",
        body="<p>Second version.</p>",
        **{"bylines-0-author": str(second_author.pk)},
        tags="ferries",
        status=Article.Status.DRAFT,
    )
    article.refresh_from_db()
    assert article.title == "Harbour plan shelved"
    changed = revisions.latest(article)
    changed_content = dict(changed.content)

    response = client.post(
        reverse(
            "admin:articles_article_revision_restore", args=[article.pk, original.pk]
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "earlier revisions are all kept" in response.text
    article.refresh_from_db()
    assert article.title == "Harbour plan approved"
    assert article.body == "<p>First version.</p>"
    assert [b.author for b in article.ordered_bylines()] == [first_author]
    assert list(article.tags.names()) == ["Harbour"]
    assert article.status == Article.Status.DRAFT
    restored = revisions.latest(article)
    assert article.revisions.count() == 3
    assert restored.pk not in (original.pk, changed.pk)
    assert restored.created_by == editor
    assert restored.comment.startswith("Restored the revision of")
    changed.refresh_from_db()
    assert changed.content == changed_content
    assert revisions.changes(original.content, restored.content)[0].field == "status"


def test_restoring_leaves_out_what_was_deleted_since_and_says_so(client, editor):
    gone = make_author(name="Gone Author")
    article = make_article(authors=[gone])
    revision = revisions.record(article, editor)
    article.bylines.all().delete()
    gone.delete()
    response = client.post(
        reverse(
            "admin:articles_article_revision_restore", args=[article.pk, revision.pk]
        ),
        follow=True,
    )
    assert "Gone Author is no longer an author here" in response.text
    assert article.bylines.count() == 0


def test_restore_needs_the_change_permission_and_a_post(client):
    article = make_article()
    revision = revisions.record(article, None)
    url = reverse(
        "admin:articles_article_revision_restore", args=[article.pk, revision.pk]
    )
    client.force_login(make_staff("reader", ["articles.view_article"]))
    assert (
        client.get(
            reverse("admin:articles_article_revisions", args=[article.pk])
        ).status_code
        == 200
    )
    assert client.post(url).status_code == 403
    client.force_login(make_editor())
    assert client.get(url).status_code == 405
    assert Revision.objects.count() == 1


def test_revision_pages_answer_404_for_unknown_articles_and_403_without_permission(
    client,
):
    article = make_article()
    revisions.record(article, None)
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    client.force_login(make_staff("nobody"))
    assert client.get(url).status_code == 403
    client.force_login(make_editor())
    missing = reverse("admin:articles_article_revisions", args=[article.pk + 1000])
    assert client.get(missing).status_code == 404
    other = revisions.record(make_article(), None)
    compare = reverse("admin:articles_article_revision_compare", args=[article.pk])
    assert client.get(compare, {"a": other.pk, "b": other.pk}).status_code == 404


def make_revisions(articles, count):
    start = timezone.now() - timedelta(days=1)
    Revision.objects.bulk_create(
        Revision(
            article=article,
            content=revisions.snapshot(article),
            created_at=start + timedelta(minutes=n),
        )
        for article in articles
        for n in range(count)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page", ["admin:articles_article_changelist", "admin:articles_article_change"]
)
def test_change_list_and_form_queries_do_not_grow_with_revisions(
    client, editor, page, django_assert_max_num_queries
):
    """The same queries with 1 revision per article as with 50."""
    articles = [make_article(authors=[make_author()], tags=["Harbour"]) for _ in "abc"]
    args = [] if page.endswith("changelist") else [articles[0].pk]
    url = reverse(page, args=args)
    make_revisions(articles, 1)
    one = queries(client, url)
    make_revisions(articles, 49)
    assert Revision.objects.count() == 150
    with django_assert_max_num_queries(one):
        client.get(url)
