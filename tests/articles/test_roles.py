"""
The newsroom's roles in the article admin: what a Contributor, a Writer, an
Editor and Circulation staff may do, checked through the admin itself (the
change form, the list actions, the delete page), and a crafted post that
tries to publish without the right refused with nothing saved.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.admin.articles import ArticleAdmin
from articles.models import Article, ArticleTransition, Revision
from articles.roles import ROLES, ensure_roles
from tests.articles.workflow_forms import (
    at,
    form_errors,
    list_action,
    post_change,
)
from tests.factories import make_article, make_author, make_member, make_section

pytestmark = pytest.mark.django_db

Status = Article.Status

ROLE_NAMES = ["Contributor", "Writer", "Editor", "Circulation"]

# role × what they try → allowed? "own" is an article whose byline names the
# user's Author; "others'" is someone else's.
MATRIX = {
    #                 view  add   own   others submit publish schedule unpub delete
    "Contributor": (True, True, True, False, True, False, False, False, True),
    "Writer": (True, True, True, False, True, True, True, False, True),
    "Editor": (True, True, True, True, True, True, True, True, True),
    "Circulation": (False, False, False, False, False, False, False, False, False),
}
ACTIONS = [
    "view",
    "add",
    "change own",
    "change others'",
    "submit",
    "publish",
    "schedule",
    "unpublish",
    "delete",
]
CASES = [
    (role, action, allowed)
    for role, row in MATRIX.items()
    for action, allowed in zip(ACTIONS, row, strict=True)
]


@pytest.fixture
def desk():
    """A section, the user's Author and a colleague's, and the user's draft."""
    section = make_section(name="News", slug="news")
    return {
        "section": section,
        "mine": make_author(name="Mine Author"),
        "theirs": make_author(name="Their Author"),
    }


def ready_article(section, author, **kwargs):
    """An article that passes every publish check."""
    kwargs.setdefault("status", Status.DRAFT)
    kwargs.setdefault(
        "standfirst", "The council approved the harbour plan after a long debate."
    )
    return make_article(section=section, authors=[author], **kwargs)


def attempt(client, user, action, desk):
    """Try `action` as `user`; True when it took effect."""
    section, mine, theirs = desk["section"], desk["mine"], desk["theirs"]
    own_draft = ready_article(section, mine, title="My draft")
    if action == "view":
        url = reverse("admin:articles_article_change", args=[own_draft.pk])
        return client.get(url).status_code == 200
    if action == "add":
        return client.get(reverse("admin:articles_article_add")).status_code == 200
    if action == "change own":
        post_change(client, own_draft, title="My draft, rewritten")
        own_draft.refresh_from_db()
        return own_draft.title == "My draft, rewritten"
    if action == "change others'":
        other = ready_article(section, theirs, title="Their draft")
        post_change(client, other, title="Their draft, rewritten")
        other.refresh_from_db()
        return other.title == "Their draft, rewritten"
    if action == "submit":
        post_change(client, own_draft, status=Status.REVIEW)
        own_draft.refresh_from_db()
        return own_draft.status == Status.REVIEW
    if action == "publish":
        post_change(client, own_draft, status=Status.PUBLISHED, go_live_now="on")
        own_draft.refresh_from_db()
        return own_draft.is_published()
    if action == "schedule":
        later = timezone.now() + timedelta(days=2)
        post_change(client, own_draft, status=Status.PUBLISHED, **at(later))
        own_draft.refresh_from_db()
        return own_draft.status == Status.PUBLISHED and not own_draft.is_published()
    if action == "unpublish":
        live = ready_article(section, mine, status=Status.PUBLISHED)
        list_action(client, "unpublish", [live])
        live.refresh_from_db()
        return live.status == Status.DRAFT
    if action == "delete":
        url = reverse("admin:articles_article_delete", args=[own_draft.pk])
        client.post(url, {"post": "yes"})
        return not Article.objects.filter(pk=own_draft.pk).exists()
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "action", "allowed"), CASES)
def test_permission_matrix(client, desk, role, action, allowed):
    """Each role may do exactly what its row of the matrix says."""
    author = desk["mine"] if role != "Circulation" else None
    user = make_member(f"{role.lower()}-user", role, author=author)
    client.force_login(user)
    assert attempt(client, user, action, desk) is allowed


def test_roles_are_made_by_the_migration_with_their_permissions():
    """The migration made the groups; making them again changes nothing."""
    ensure_roles()
    before = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=ROLES)
    }
    assert set(before) == set(ROLES)
    assert "publish_article" not in before["Contributor"]
    assert "publish_article" in before["Writer"]
    assert "unpublish_article" not in before["Writer"]
    assert {"edit_any_article", "unpublish_article", "change_newsletter"} <= before[
        "Editor"
    ]
    assert {"change_author", "change_tag", "add_edition"} <= before["Editor"]
    ensure_roles()
    for name, codenames in before.items():
        group = Group.objects.get(name=name)
        assert set(group.permissions.values_list("codename", flat=True)) == codenames


def test_a_crafted_publish_post_is_refused_with_a_message_and_nothing_saved(
    client, desk
):
    """
    A Contributor's form offers only Draft and In review; posting "published"
    anyway, or a publication time that has passed, is refused and saves nothing.
    """
    user = make_member("contributor", "Contributor", author=desk["mine"])
    client.force_login(user)
    draft = ready_article(desk["section"], desk["mine"], title="Untouched")
    form = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    offered = [
        value
        for value, _ in form.context["adminform"].form["status"].field.widget.choices
    ]
    assert offered == [Status.DRAFT, Status.REVIEW]
    revisions_before = Revision.objects.count()

    response = post_change(
        client, draft, title="Changed", status=Status.PUBLISHED, go_live_now="on"
    )
    assert response.status_code == 200
    assert form_errors(response)["status"] == [
        "You may not publish or schedule articles: choose “In review” to send this "
        "one to an editor."
    ]
    assert "Changed" in response.text  # what was typed stays in the form

    past = timezone.now() - timedelta(days=30)
    response = post_change(client, draft, title="Changed", **at(past))
    assert form_errors(response)["published_at"] == [
        "Only an editor sets the publication time: leave it as it was."
    ]

    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.published_at) == (
        "Untouched",
        Status.DRAFT,
        None,
    )
    assert Revision.objects.count() == revisions_before
    assert not ArticleTransition.objects.exists()


def test_contributors_are_not_offered_publishing_actions_and_a_crafted_one_does_nothing(
    client, desk
):
    user = make_member("contributor", "Contributor", author=desk["mine"])
    client.force_login(user)
    draft = ready_article(desk["section"], desk["mine"])
    page = client.get(reverse("admin:articles_article_changelist"))
    actions = [name for name, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert "publish_now" not in actions and "unpublish" not in actions
    list_action(client, "publish_now", [draft])
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_writers_publish_their_own_articles_only(client, desk):
    """A Writer's list holds their own articles; others' are out of reach."""
    user = make_member("writer", "Writer", author=desk["mine"])
    client.force_login(user)
    own = ready_article(desk["section"], desk["mine"], title="Own")
    created = ready_article(desk["section"], desk["theirs"], title="Created by me")
    created.created_by = user
    created.save()
    other = ready_article(desk["section"], desk["theirs"], title="Not mine")
    page = client.get(reverse("admin:articles_article_changelist"))
    assert {a.title for a in page.context["cl"].result_list} == {"Own", "Created by me"}
    response = list_action(client, "publish_now", [own, other])
    assert "1 article published." in response.text
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.is_published()
    assert other.status == Status.DRAFT
    url = reverse("admin:articles_article_change", args=[other.pk])
    assert client.get(url, follow=True).redirect_chain  # not found: back to the index


def test_a_writer_may_not_take_a_live_article_down_even_by_deleting_it(client, desk):
    user = make_member("writer", "Writer", author=desk["mine"])
    client.force_login(user)
    live = ready_article(desk["section"], desk["mine"], status=Status.PUBLISHED)
    response = client.post(
        reverse("admin:articles_article_delete", args=[live.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = list_action(client, "delete_selected", [live], post="yes")
    assert Article.objects.filter(pk=live.pk).exists()
    # Editing the live article's text is still theirs to do.
    post_change(client, live, title="Corrected headline")
    live.refresh_from_db()
    assert live.title == "Corrected headline" and live.is_published()


def test_a_contributor_cannot_change_their_article_once_it_is_published(client, desk):
    user = make_member("contributor", "Contributor", author=desk["mine"])
    client.force_login(user)
    live = ready_article(desk["section"], desk["mine"], status=Status.PUBLISHED)
    page = client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert page.status_code == 200  # to read, without a form to save
    assert "_save" not in page.text and "id_review_note" not in page.text
    post_change(client, live, title="Quietly changed")
    live.refresh_from_db()
    assert live.title != "Quietly changed"


def test_own_bylines_come_first_in_the_list(client, desk):
    user = make_member("editor", "Editor", author=desk["mine"])
    client.force_login(user)
    now = timezone.now()
    ready_article(
        desk["section"],
        desk["theirs"],
        title="Newest, theirs",
        published_at=now,
        status=Status.PUBLISHED,
    )
    ready_article(
        desk["section"],
        desk["mine"],
        title="Older, mine",
        status=Status.PUBLISHED,
        published_at=now - timedelta(days=3),
    )
    page = client.get(reverse("admin:articles_article_changelist"))
    assert [a.title for a in page.context["cl"].result_list] == [
        "Older, mine",
        "Newest, theirs",
    ]
    # Sorting by a column is the editor's own choice again.
    column = ArticleAdmin.list_display.index("published_at") + 1
    page = client.get(reverse("admin:articles_article_changelist"), {"o": f"-{column}"})
    assert [a.title for a in page.context["cl"].result_list] == [
        "Newest, theirs",
        "Older, mine",
    ]
