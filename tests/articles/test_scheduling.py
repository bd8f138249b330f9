"""
Scheduling: times entered and shown in the newsroom's time zone, named on
the form; a time that has passed refused unless the editor publishes now;
what goes live in the next 24 hours listed; scheduled articles going live by
themselves, with no cached page outliving their time.
"""

import time
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTransition, navigation
from newsroom.cache.versions import content_version, page_cache_seconds
from tests.articles.workflow_forms import at, form_errors, post_change
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_member,
    make_page,
    make_section,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


def ready_draft(**kwargs):
    kwargs.setdefault("status", Status.DRAFT)
    return make_article(
        standfirst="The council approved the harbour plan after a long debate.",
        authors=[make_author()],
        lead_image=make_image(),
        **kwargs,
    )


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editor"))
    return client


def test_the_form_names_the_time_zone(editor_client):
    article = ready_draft()
    page = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert "Publication time (Europe/Dublin)" in unescape(page.text)


def test_a_time_that_has_passed_is_refused_with_a_message(editor_client):
    article = ready_draft()
    past = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)  # 09:30 in Dublin in winter
    response = post_change(editor_client, article, status=Status.PUBLISHED, **at(past))
    assert response.status_code == 200
    assert form_errors(response)["published_at"] == [
        "09:30 on Tue 6 Jan 2026 (Europe/Dublin) has passed: give a time to come "
        "to schedule the article, or tick “Publish now”."
    ]
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    assert not ArticleTransition.objects.exists()


def test_publish_now_replaces_a_time_that_has_passed(editor_client):
    article = ready_draft()
    past = timezone.now() - timedelta(days=3)
    before = timezone.now()
    response = post_change(
        editor_client, article, status=Status.DRAFT, go_live_now="on", **at(past)
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()


def test_a_time_to_come_is_read_in_the_newsrooms_zone_and_schedules(editor_client):
    article = ready_draft()
    response = post_change(
        editor_client,
        article,
        status=Status.PUBLISHED,
        published_at_0="2099-01-06",
        published_at_1="14:00:00",
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.published_at == datetime(2099, 1, 6, 14, tzinfo=UTC)
    assert article.state_label().startswith("Scheduled for Tue 6 Jan 2099 14:00")


def test_going_live_in_the_next_24_hours(editor_client):
    now = timezone.now()
    soon = ready_draft(
        title="In two hours",
        status=Status.PUBLISHED,
        published_at=now + timedelta(hours=2),
    )
    ready_draft(
        title="Tomorrow night",
        status=Status.PUBLISHED,
        published_at=now + timedelta(hours=30),
    )
    ready_draft(title="Live", status=Status.PUBLISHED, published_at=now)
    ready_draft(title="Draft")
    page = editor_client.get(
        reverse("admin:articles_article_changelist"), {"desk": "next24"}
    )
    assert [a.pk for a in page.context["cl"].result_list] == [soon.pk]
    assert "Going live in the next 24 hours" in page.text


@pytest.mark.parametrize(
    ("published_at", "label"),
    [
        (None, "Draft"),
        (datetime(2026, 12, 1, 9, tzinfo=UTC), "Live"),
        (datetime(2026, 12, 1, 14, tzinfo=UTC), "Scheduled for Tue 14:00"),
        (datetime(2026, 12, 4, 18, 30, tzinfo=UTC), "Scheduled for Fri 18:30"),
        (datetime(2026, 12, 9, 8, tzinfo=UTC), "Scheduled for Wed 9 Dec 08:00"),
        (datetime(2027, 1, 5, 8, tzinfo=UTC), "Scheduled for Tue 5 Jan 2027 08:00"),
        # Summer time: 14:00 UTC is 15:00 in Dublin.
        (datetime(2027, 7, 6, 14, tzinfo=UTC), "Scheduled for Tue 6 Jul 2027 15:00"),
    ],
)
def test_state_label(published_at, label):
    moment = datetime(2026, 12, 1, 10, tzinfo=UTC)  # Tuesday, 10:00 in Dublin
    status = Status.PUBLISHED if published_at else Status.DRAFT
    article = Article(status=status, published_at=published_at)
    assert article.state_label(moment) == label
    assert Article(status=Status.REVIEW).state_label(moment) == "In review"


def test_the_list_shows_one_state_instead_of_status_and_state(editor_client):
    ready_draft(
        title="Later",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    page = editor_client.get(reverse("admin:articles_article_changelist"))
    assert "Scheduled for " in page.text
    assert "column-status" not in page.text


def test_a_scheduled_article_goes_live_by_itself(client, settings):
    """
    No job runs: once its time has come the article is on its page, and a
    page cached before that time is kept no longer than until then.
    """
    settings.PAGE_CACHE_SECONDS = 300
    section = make_section()
    article = ready_draft(
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=90),
        section=section,
    )
    assert client.get(article.get_absolute_url()).status_code == 404
    assert 60 < page_cache_seconds(content_version()) <= 90
    # The time comes: the row is as it was, only the clock has moved on
    # (a plain UPDATE here, which neither signals nor drops any page).
    QuerySet.update(
        Article.objects.filter(pk=article.pk),
        published_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article in Article.objects.published()


def test_once_the_kept_next_change_has_come_the_one_after_bounds_kept_pages(
    client, settings, monkeypatch
):
    """
    The next scheduled change is read with the site frame and kept under
    the content version; when its time comes with no save (the version the
    same), the change after it is read afresh and bounds the pages kept.
    """
    settings.PAGE_CACHE_SECONDS = 3600
    section = make_section()
    now = timezone.now()
    for seconds in (90, 600):
        ready_draft(
            status=Status.PUBLISHED,
            published_at=now + timedelta(seconds=seconds),
            section=section,
        )
    version = content_version()
    assert navigation.site_frame().next_change == now + timedelta(seconds=90)
    assert 60 < page_cache_seconds(version) <= 90

    later = now + timedelta(seconds=120)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(time, "time", later.timestamp)
    assert content_version() == version
    assert navigation.next_change() == now + timedelta(seconds=600)
    assert 450 < page_cache_seconds(version) <= 480


def test_the_next_change_is_read_in_one_query_with_or_without_a_section(
    django_assert_num_queries,
):
    """
    Article.objects.next_change() reads the next page, article and end of
    a picture's rights in one query, also before the site has a section.
    """
    now = timezone.now()
    page = make_page(published_at=now + timedelta(days=3))
    with django_assert_num_queries(1):
        assert Article.objects.next_change() == page.published_at
    image = make_image(rights_expire_on=timezone.localdate() + timedelta(days=2))
    make_article(lead_image=image)
    with django_assert_num_queries(1):
        assert Article.objects.next_change() == image.rights_lapse_at
    soon = now + timedelta(hours=1)
    ready_draft(status=Status.PUBLISHED, published_at=soon)
    with django_assert_num_queries(1):
        assert Article.objects.next_change() == soon


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plan is read"
)
def test_the_next_lapse_of_rights_is_read_from_an_index_not_the_whole_library():
    """
    Every render after a change asks when the next picture's rights end
    (navigation.change_moments). With seq scans ruled out the plan names
    the index: without it the database reads every picture in the library.
    """
    sql, params, _ = navigation.change_moments(connection, timezone.now())["next_lapse"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "image_rights_expire_idx" in plan, plan


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plan is read"
)
def test_the_next_article_is_found_by_the_generic_plan_from_an_index():
    """
    Every page rendered after a change reads the site frame, a prepared
    statement that PostgreSQL plans once (a generic plan) only if that plan
    is as good as a custom one. The published status is written into its SQL
    (navigation.PUBLISHED), so the generic plan can use the partial index on
    published articles; sent as a parameter, it could not, and the statement
    was planned afresh on every page.
    """
    sql, params, _ = navigation.change_moments(connection, timezone.now())[
        "next_article"
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE next_article AS {sql.replace('%s', '$1')}")
        try:
            cursor.execute("EXPLAIN EXECUTE next_article(%s)", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE next_article")
    assert "article_published_idx" in plan, plan
