"""
The newsroom's publish checks: each one blocks an article from going live
(the change form, the Publish now action, approval) and says exactly what to
fix. Image rights: a picture whose rights expired blocks publishing, is
flagged on a live article in the list, and leaves the live page.
"""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Image
from tests.articles.workflow_forms import form_errors, list_action, post_change
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_member,
    make_section,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


def good_article(**kwargs):
    kwargs.setdefault("status", Status.DRAFT)
    kwargs.setdefault("section", make_section())
    kwargs.setdefault("title", "Harbour dredging to start in spring")
    kwargs.setdefault(
        "standfirst", "The harbour will be dredged from March, the port company said."
    )
    kwargs.setdefault("authors", [make_author()])
    kwargs.setdefault("lead_image", make_image())
    return make_article(**kwargs)


# (what is wrong, how to make it so, the message that says what to fix)
CASES = [
    (
        "no alt text",
        lambda a: Image.objects.filter(pk=a.lead_image_id).update(alt_text=""),
        "The lead picture has no alt text: describe what it shows on the picture's "
        "page.",
    ),
    (
        "no caption",
        lambda a: Image.objects.filter(pk=a.lead_image_id).update(caption=""),
        "The lead picture has no caption: write one under “Lead image” or on the "
        "picture's page.",
    ),
    (
        "no credit",
        lambda a: Image.objects.filter(pk=a.lead_image_id).update(credit=""),
        "The lead picture has no credit: name the photographer or agency on the "
        "picture's page.",
    ),
    (
        "headline too long",
        lambda a: Article.objects.filter(pk=a.pk).update(title="Harbour " * 15),
        "The headline has 119 characters: shorten it to 110 at most.",
    ),
    (
        "standfirst too short",
        lambda a: Article.objects.filter(pk=a.pk).update(standfirst="Dredging."),
        "The standfirst has 9 characters: write at least 30, one or two sentences "
        "that sell the piece.",
    ),
    (
        "standfirst too long",
        lambda a: Article.objects.filter(pk=a.pk).update(standfirst="word " * 70),
        "The standfirst has 349 characters: cut it to 300 at most.",
    ),
    (
        "no byline",
        lambda a: a.bylines.all().delete(),
        "The byline is empty: add at least one name under “Byline”.",
    ),
    (
        "empty body",
        lambda a: Article.objects.filter(pk=a.pk).update(body="<p> </p>"),
        "The body is empty: write the article before it goes live.",
    ),
    (
        "picture rights expired",
        lambda a: Image.objects.filter(pk=a.lead_image_id).update(
            rights_expire_on=date(2020, 3, 1)
        ),
        "The rights to the lead picture expired on 1 March 2020: choose another "
        "picture, or record renewed rights on the picture's page.",
    ),
]


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editor"))
    return client


@pytest.mark.parametrize(("problem", "spoil", "message"), CASES)
def test_each_check_blocks_the_form_and_explains(
    editor_client, problem, spoil, message
):
    article = good_article()
    spoil(article)
    article = Article.objects.get(pk=article.pk)
    response = post_change(editor_client, article, go_live_now="on")
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == [message]
    assert message in unescape(response.text)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


@pytest.mark.parametrize(("problem", "spoil", "message"), CASES)
def test_each_check_blocks_the_publish_action_and_explains(
    editor_client, problem, spoil, message
):
    article = good_article()
    spoil(article)
    article = Article.objects.get(pk=article.pk)
    response = list_action(editor_client, "publish_now", [article])
    refusal = f"“{article}” was not published: {message}"
    assert refusal in unescape(response.text)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_an_article_that_passes_every_check_goes_live(editor_client):
    article = good_article()
    response = post_change(editor_client, article, go_live_now="on")
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.is_published()


def test_approval_runs_the_checks_too():
    editor = make_member("editor", "Editor")
    article = good_article(status=Status.REVIEW)
    article.bylines.all().delete()
    with pytest.raises(workflow.WorkflowError, match="The byline is empty"):
        workflow.publish(article, editor)


def test_lengths_come_from_settings(editor_client, settings):
    settings.PUBLISH_HEADLINE_MAX_CHARS = 20
    article = good_article()
    response = post_change(editor_client, article, go_live_now="on")
    assert form_errors(response)["__all__"] == [
        "The headline has 35 characters: shorten it to 20 at most."
    ]


def test_scheduling_past_the_end_of_the_picture_rights_is_refused(editor_client):
    today = timezone.localdate()
    article = good_article()
    Image.objects.filter(pk=article.lead_image_id).update(
        rights_expire_on=today + timedelta(days=2)
    )
    article = Article.objects.get(pk=article.pk)
    later = timezone.now() + timedelta(days=5)
    with pytest.raises(workflow.WorkflowError, match="before the article is due"):
        workflow.publish(article, make_member("boss", "Editor"), at=later)


def test_expired_rights_drop_the_picture_from_the_live_page_and_flag_the_list(
    client, editor_client, settings
):
    """
    The rights end while the article is live: the page, its cards and its
    feed no longer show the picture, and the admin list flags the article.
    """
    article = good_article(status=Status.PUBLISHED)
    image = article.lead_image
    rendition = image.fallback_rendition.file.url
    assert rendition in client.get(article.get_absolute_url()).text

    image.rights_expire_on = timezone.localdate()
    image.save()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert rendition not in page.text
    assert image.alt_text not in page.text
    home = client.get(reverse("articles:section", args=[article.section.slug]))
    assert article.title in home.text and rendition not in home.text

    listing = editor_client.get(reverse("admin:articles_article_changelist"))
    assert "Live — picture rights expired" in listing.text
    flagged = editor_client.get(
        reverse("admin:articles_article_changelist"), {"desk": "rights"}
    )
    assert [a.pk for a in flagged.context["cl"].result_list] == [article.pk]


def test_the_page_cache_keeps_no_page_past_the_end_of_a_pictures_rights():
    """A page cached now is dropped when the rights of a picture end."""
    today = timezone.localdate()
    image = make_image(rights_expire_on=today + timedelta(days=3))
    good_article(status=Status.PUBLISHED, lead_image=image)
    lapse = Article.objects.next_change()
    assert lapse == image.rights_lapse_at
    assert timezone.localtime(lapse).date() == today + timedelta(days=3)
    assert (timezone.localtime(lapse).hour, timezone.localtime(lapse).minute) == (0, 0)
    soon = timezone.now() + timedelta(hours=5)
    good_article(status=Status.PUBLISHED, published_at=soon)
    assert Article.objects.next_change() == soon
