"""
Review: a Contributor submits a draft, an Editor sends it back with a
comment the Contributor then reads on their draft, or approves it (live now
or scheduled). Each step is recorded (who, when, from, to, comment), shown
on the article, and kept as a revision.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition
from tests.articles.workflow_forms import at, form_errors, list_action, post_change
from tests.factories import (
    make_article,
    make_author,
    make_member,
    make_section,
    make_staff,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def people():
    contributor_author = make_author(name="Cora Contributor")
    return {
        "author": contributor_author,
        "contributor": make_member(
            "cora", "Contributor", author=contributor_author, first_name="Cora"
        ),
        "editor": make_member(
            "eddie", "Editor", first_name="Eddie", last_name="Editor"
        ),
        "writer": make_member("wanda", "Writer", author=make_author(name="Wanda")),
    }


@pytest.fixture
def draft(people):
    return make_article(
        title="Harbour dredging to start in spring",
        standfirst="The harbour will be dredged from March, the port company said.",
        status=Status.DRAFT,
        section=make_section(),
        authors=[people["author"]],
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_submit_send_back_resubmit_and_approve_are_recorded_and_shown(
    client, people, draft
):
    contributor, editor = people["contributor"], people["editor"]

    client.force_login(contributor)
    response = post_change(
        client, draft, status=Status.REVIEW, review_note="Ready for a look."
    )
    assert response.status_code == 302, form_errors(response)

    client.force_login(editor)
    draft.refresh_from_db()
    response = post_change(client, draft, status=Status.DRAFT)
    assert form_errors(response)["review_note"] == [
        "Say what to change: the note goes back to the writer with the draft."
    ]
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    response = post_change(
        client, draft, status=Status.DRAFT, review_note="Needs a second source."
    )
    assert response.status_code == 302

    client.force_login(contributor)
    page = client.get(change_url(draft))
    assert "Sent back by Eddie Editor" in page.text
    assert "Needs a second source." in page.text

    draft.refresh_from_db()
    post_change(client, draft, status=Status.REVIEW)
    client.force_login(editor)
    draft.refresh_from_db()
    response = post_change(client, draft, go_live_now="on")
    assert response.status_code == 302, form_errors(response)
    draft.refresh_from_db()
    assert draft.is_published()

    steps = list(draft.transitions.order_by("created_at", "pk"))
    assert [
        (s.created_by.username, s.from_status, s.to_status, s.comment) for s in steps
    ] == [
        ("cora", "draft", "review", "Ready for a look."),
        ("eddie", "review", "draft", "Needs a second source."),
        ("cora", "draft", "review", ""),
        ("eddie", "review", "published", ""),
    ]
    assert [s.describe() for s in steps] == [
        "Submitted for review",
        "Sent back to the writer",
        "Submitted for review",
        "Approved: live",
    ]
    # Each step is a revision too, named for the step.
    comments = list(
        draft.revisions.order_by("created_at", "pk").values_list("comment", flat=True)
    )
    assert comments[-4:] == [s.describe() for s in steps]
    # The history is on the article's page.
    page = client.get(change_url(draft))
    assert page.text.count("Submitted for review") >= 2
    assert "Needs a second source." in page.text
    assert "Cora" in page.text


def test_approving_with_a_time_to_come_schedules_the_article(client, people, draft):
    workflow.submit(draft, people["contributor"])
    client.force_login(people["editor"])
    draft.refresh_from_db()
    later = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = post_change(client, draft, status=Status.PUBLISHED, **at(later))
    assert response.status_code == 302, form_errors(response)
    draft.refresh_from_db()
    assert draft.published_at == later and not draft.is_published()
    step = draft.transitions.first()
    assert step.describe().startswith("Approved: scheduled for ")
    assert draft.state_label().startswith("Scheduled for ")


def test_only_writers_and_editors_approve(people, draft):
    workflow.submit(draft, people["contributor"])
    with pytest.raises(workflow.WorkflowError):
        workflow.publish(draft, people["contributor"])
    # A Writer approves only articles of their own.
    with pytest.raises(workflow.WorkflowError):
        workflow.publish(draft, people["writer"])
    workflow.publish(draft, people["editor"], "Good piece.")
    draft.refresh_from_db()
    assert draft.is_published()


def test_send_back_needs_a_comment_and_a_piece_in_review(people, draft):
    editor = people["editor"]
    with pytest.raises(workflow.WorkflowError, match="Only pieces in review"):
        workflow.send_back(draft, editor, "Shorter, please.")
    workflow.submit(draft, people["contributor"])
    with pytest.raises(workflow.WorkflowError, match="Say what to change"):
        workflow.send_back(draft, editor, "  ")
    step = workflow.send_back(draft, editor, "Shorter, please.")
    assert (step.from_status, step.to_status, step.comment) == (
        "review",
        "draft",
        "Shorter, please.",
    )
    assert workflow.latest_send_back(draft) == step


def test_submit_action_and_the_awaiting_review_filter(client, people, draft):
    client.force_login(people["contributor"])
    response = list_action(client, "submit_for_review", [draft])
    assert "1 article submitted for review." in response.text
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    client.force_login(people["editor"])
    make_article(title="Someone's draft", status=Status.DRAFT)
    page = client.get(reverse("admin:articles_article_changelist"), {"desk": "review"})
    assert [a.title for a in page.context["cl"].result_list] == [draft.title]
    assert "In review" in page.text


def test_my_drafts_lists_the_users_own_drafts(client, people, draft):
    make_article(title="Another's draft", status=Status.DRAFT)
    make_article(title="My live piece", authors=[people["author"]])
    client.force_login(people["contributor"])
    page = client.get(reverse("admin:articles_article_changelist"), {"desk": "mine"})
    assert [a.title for a in page.context["cl"].result_list] == [draft.title]


def add_steps(article, users):
    for user in users:
        ArticleTransition.objects.create(
            article=article,
            created_by=user,
            from_status=Status.DRAFT,
            to_status=Status.REVIEW,
            comment=f"Step by {user.username}",
        )


@pytest.mark.parametrize("url_name", ["changelist", "change"])
def test_queries_stay_constant_in_the_number_of_steps_and_reviewers(
    client, people, draft, url_name, django_assert_max_num_queries
):
    """The change list and change form cost the same with 1 step or 30 by 30 people."""
    editor = people["editor"]
    client.force_login(editor)
    add_steps(draft, [editor])
    url = (
        reverse("admin:articles_article_changelist")
        if url_name == "changelist"
        else change_url(draft)
    )
    client.get(url)  # the first opening records a revision once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    reviewers = [make_staff(f"reviewer-{n}") for n in range(30)]
    add_steps(draft, reviewers)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "change":
        assert "Step by reviewer-29" in response.text


def test_a_new_articles_byline_starts_with_the_writers_own_name(client, people):
    client.force_login(people["contributor"])
    page = client.get(reverse("admin:articles_article_add"))
    formset = page.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].initial["author"] == people["author"].pk
    assert "Cora Contributor" in page.text
    client.force_login(people["editor"])  # no Author of their own
    page = client.get(reverse("admin:articles_article_add"))
    assert (
        "author"
        not in page.context["inline_admin_formsets"][0].formset.forms[0].initial
    )
