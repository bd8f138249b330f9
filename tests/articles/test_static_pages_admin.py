"""
Static pages in the admin: the roles (Writers and Editors as for articles,
no one else), the workflow's rules on the change form and in the list
actions, the footer's order edited in the list, the body editor, previews,
and the history of each step.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Page
from tests.factories import make_member, make_page, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_page_changelist")
ADD = reverse("admin:articles_page_add")


def change_url(page):
    return reverse("admin:articles_page_change", args=[page.pk])


def form_data(page=None, **fields):
    """The page form as posted: `page`'s values (or a new page's), `fields` changed."""
    data = {
        "title": "Corrections policy",
        "path": "/corrections/",
        "body": "<p>We correct our mistakes promptly.</p>",
        "in_footer": "",
        "footer_position": "0",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        "review_note": "",
    }
    if page is not None:
        at = page.published_at and timezone.localtime(page.published_at)
        data.update(
            title=page.title,
            path=page.path,
            body=page.body,
            in_footer="on" if page.in_footer else "",
            footer_position=str(page.footer_position),
            status=page.status,
            published_at_0=at.strftime("%Y-%m-%d") if at else "",
            published_at_1=at.strftime("%H:%M:%S") if at else "",
        )
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def errors(response):
    if response.context is None or "adminform" not in response.context:
        return {}
    return {k: list(v) for k, v in response.context["adminform"].form.errors.items()}


@pytest.fixture
def editor(client):
    user = make_member("editor", "Editor")
    client.force_login(user)
    return user


@pytest.fixture
def writer(client):
    user = make_member("writer", "Writer")
    client.force_login(user)
    return user


def test_contributors_and_circulation_have_no_static_pages(client):
    for role in ("Contributor", "Circulation"):
        client.force_login(make_member(role.lower(), role))
        assert client.get(CHANGELIST).status_code == 403
        assert client.get(ADD).status_code == 403


def test_the_add_form_has_the_articles_body_editor_and_insert_menu(client, writer):
    response = client.get(ADD)
    assert response.status_code == 200
    html = response.text
    assert "prose-editor" in html
    assert reverse("admin:articles_image_insert_search") in html
    assert reverse("admin:articles_article_insert_articles") in html
    # A new page comes last in the footer.
    make_page(in_footer=True, footer_position=30)
    assert 'name="footer_position" value="40"' in client.get(ADD).text


def test_a_writer_writes_and_publishes_their_own_page(client, writer):
    response = client.post(ADD, form_data(status="review"))
    assert response.status_code == 302, errors(response)
    page = Page.objects.get()
    assert page.created_by == writer
    assert page.status == "review"

    response = client.post(change_url(page), form_data(page, go_live_now="on"))
    assert response.status_code == 302, errors(response)
    page.refresh_from_db()
    assert page.is_published()
    assert client.get("/corrections/").status_code == 200
    history = LogEntry.objects.filter(object_id=str(page.pk)).first()
    assert "Now live" in history.get_change_message()


def test_a_writer_may_not_change_an_editors_page_nor_take_a_live_one_down(
    client, writer
):
    theirs = make_page(created_by=make_member("ed", "Editor"))
    assert client.get(change_url(theirs)).status_code == 200  # read only
    response = client.post(change_url(theirs), form_data(theirs, title="Mine now"))
    assert response.status_code == 403

    own = make_page(created_by=writer)
    response = client.post(change_url(own), form_data(own, status="draft"))
    assert response.status_code == 200
    assert errors(response)["status"] == [
        "Only an editor may take a live page off the site."
    ]
    own.refresh_from_db()
    assert own.is_published()


def test_without_the_publish_permission_a_crafted_publish_is_refused(client):
    user = make_staff(
        "pages-only",
        [f"articles.{action}_page" for action in ("view", "add", "change")],
    )
    client.force_login(user)
    response = client.post(ADD, form_data(status="published", title="Typed title"))
    assert response.status_code == 200
    assert errors(response)["status"] == [
        "You may not publish or schedule pages: choose “In review” to send this "
        "one to an editor."
    ]
    assert "Typed title" in response.text  # what was typed is kept
    assert not Page.objects.exists()


def test_an_empty_page_may_not_go_live(client, editor):
    response = client.post(ADD, form_data(body="<p></p>", go_live_now="on"))
    assert response.status_code == 200
    assert (
        "The body is empty: write the page before it goes live."
        in (errors(response)["__all__"])
    )
    assert not Page.objects.exists()


def test_a_clashing_address_is_refused_on_the_form(client, editor):
    make_page(path="/corrections/")
    response = client.post(ADD, form_data())
    assert errors(response)["path"] == ["Another page already has this address."]
    response = client.post(ADD, form_data(path="/search/"))
    assert "another part of the site" in errors(response)["path"][0]


def test_the_list_actions_take_the_workflows_steps(client, editor):
    draft = make_page(status="draft", title="Advertise")
    live = make_page(title="Privacy")
    response = client.post(
        CHANGELIST,
        {"action": "publish_now", "_selected_action": [str(draft.pk)]},
        follow=True,
    )
    assert "1 static page published." in response.text
    draft.refresh_from_db()
    assert draft.is_published()

    response = client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [str(live.pk)]},
        follow=True,
    )
    assert "1 static page taken off the site." in response.text
    live.refresh_from_db()
    assert live.status == "draft"
    assert LogEntry.objects.filter(object_id=str(live.pk)).exists()


def test_a_writer_may_not_unpublish_from_the_list(client, writer):
    live = make_page(created_by=writer, title="Privacy")
    response = client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [str(live.pk)]},
        follow=True,
    )
    assert (
        "“Privacy” was not taken off the site: Only an editor may take a live "
        "page off the site."
    ) in response.text
    live.refresh_from_db()
    assert live.is_published()


def test_editors_order_the_footer_in_the_list(client, editor):
    about = make_page(title="About us", in_footer=True, footer_position=1)
    terms = make_page(title="Terms", in_footer=True, footer_position=2)
    rows = [about, terms]
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, (page, position) in enumerate(zip(rows, (2, 1), strict=True)):
        data[f"form-{index}-id"] = str(page.pk)
        data[f"form-{index}-in_footer"] = "on"
        data[f"form-{index}-footer_position"] = str(position)
    response = client.post(CHANGELIST, data)
    assert response.status_code == 302
    assert Page.objects.footer() == [(terms.path, "Terms"), (about.path, "About us")]


def test_writers_do_not_reorder_the_footer_in_the_list(client, writer):
    make_page(in_footer=True)
    assert 'name="form-0-footer_position"' not in client.get(CHANGELIST).text


def test_a_draft_is_previewed_never_cached_and_linked_from_its_form(client, writer):
    page = make_page(title="Coming soon", status="draft", created_by=writer)
    preview = reverse("admin:articles_page_preview", args=[page.pk])
    assert preview in client.get(change_url(page)).text
    response = client.get(preview)
    assert response.status_code == 200
    assert "Coming soon" in response.text
    assert "not on the site yet" in response.text
    assert "no-store" in response["Cache-Control"]
    assert client.get(page.path).status_code == 404

    client.logout()
    assert client.get(preview).status_code == 302  # to the sign-in page
