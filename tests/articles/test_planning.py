"""Planning: stories planned for a day, and the desk's week on one admin page."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_editor, make_section, make_staff
from tests.html import form_data, parse, text
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db

# A week far enough ahead that its publications are all still to come.
MONDAY = date(2030, 3, 4)
CALENDAR = reverse("admin:articles_article_calendar")


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def week_page(client, monday=MONDAY):
    response = client.get(CALENDAR, {"week": monday.isoformat()})
    assert response.status_code == 200
    return parse(response)


def day_text(page, day):
    return text(page.select_one(f'section[aria-labelledby="day-{day.isoformat()}"]'))


def test_a_story_can_be_planned_for_a_day_before_it_is_written(editor_client):
    """
    The add form takes a headline, a section and a planned day and nothing
    else: the story is saved as a draft, with no body, planned for that day.
    """
    section = make_section(name="Business")
    add = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(add), "form#article_form")
    data.update(
        {
            "title": "Budget reaction from the ports",
            "slug": "budget-reaction-ports",
            "section": section.pk,
            "planned_for": "2030-03-06",
        }
    )
    response = editor_client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.planned_for == date(2030, 3, 6)
    assert article.body == ""


def test_calendar_shows_planned_stories_publications_and_editions_day_by_day(
    editor_client,
):
    """
    Each day of the week lists what is planned for it, what goes live that
    day (with its time), and each active newsletter's edition times; other
    weeks' entries, published plans and inactive newsletters stay out.
    """
    make_article(
        title="Harbour dredging starts",
        status=Article.Status.DRAFT,
        planned_for=MONDAY + timedelta(days=1),
    )
    make_article(
        title="Last week's plan",
        status=Article.Status.DRAFT,
        planned_for=MONDAY - timedelta(days=1),
    )
    make_article(
        title="Council budget explained",
        published_at=datetime(2030, 3, 6, 14, 0, tzinfo=UTC),
        planned_for=MONDAY,
    )
    make_newsletter(name="Weekend Read", send_days=["sat"], send_time=time(8, 30))
    make_newsletter(name="Old Digest", is_active=False)
    page = week_page(editor_client)

    tuesday = day_text(page, MONDAY + timedelta(days=1))
    assert "All day Planned Harbour dredging starts" in tuesday
    wednesday = day_text(page, MONDAY + timedelta(days=2))
    assert "14:00 Going live Council budget explained" in wednesday
    saturday = day_text(page, MONDAY + timedelta(days=5))
    assert "08:30 Newsletter Weekend Read goes out" in saturday
    whole = text(page.select_one("#content-main"))
    assert whole.count("Weekend Read") == 1
    assert "Last week's plan" not in whole
    assert "Old Digest" not in whole
    # Planned for Monday but published on Wednesday: shown once, when it runs.
    assert whole.count("Council budget explained") == 1
    assert [h.get_text(" ", strip=True) for h in page.select(".planning-day h2")] == [
        "Monday 4 March",
        "Tuesday 5 March",
        "Wednesday 6 March",
        "Thursday 7 March",
        "Friday 8 March",
        "Saturday 9 March",
        "Sunday 10 March",
    ]


def test_calendar_links_to_the_previous_and_next_weeks(editor_client):
    """Any day of a week shows that week, with links a week either side."""
    page = week_page(editor_client, MONDAY + timedelta(days=3))
    assert page.select_one('a[rel="prev"]')["href"] == "?week=2030-02-25"
    assert page.select_one('a[rel="next"]')["href"] == "?week=2030-03-11"
    assert (
        page.select_one("h1").get_text(strip=True) == "Planning: week of 4 March 2030"
    )


def test_calendar_says_so_when_the_week_is_not_a_date(editor_client):
    """A mistyped week shows this week with a message saying why."""
    response = editor_client.get(CALENDAR, {"week": "next tuesday"})
    assert response.status_code == 200
    today = timezone.localdate()
    assert [str(m) for m in response.context["messages"]] == [
        f"“next tuesday” is not a date such as {today.isoformat()}; here is this week."
    ]
    assert response.context["monday"] == today - timedelta(days=today.weekday())


def test_calendar_is_for_staff_who_may_see_articles(client):
    """Anonymous readers go to the login page; staff without rights get 403."""
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(make_staff("circulation"))
    assert client.get(CALENDAR).status_code == 403
    client.force_login(make_staff("reader", ["articles.view_article"]))
    assert client.get(CALENDAR).status_code == 200


def test_calendar_queries_do_not_grow_with_its_entries(
    editor_client, django_assert_max_num_queries
):
    """One query for the articles and one for the newsletters, however many."""
    make_article(status=Article.Status.DRAFT, planned_for=MONDAY)
    make_newsletter()
    with CaptureQueriesContext(connection) as few:
        week_page(editor_client)
    for offset in range(7):
        make_article(
            status=Article.Status.DRAFT, planned_for=MONDAY + timedelta(offset)
        )
        make_article(published_at=datetime(2030, 3, 4 + offset, 9, tzinfo=UTC))
    make_newsletter()
    make_newsletter(send_days=["mon", "thu"])
    with django_assert_max_num_queries(len(few)):
        page = week_page(editor_client)
    # Planned 1 + 7, live 7, two daily newsletters and one on two days.
    assert len(page.select(".planning-entry")) == 1 + 7 + 7 + 7 * 2 + 2
    assert len(few) <= 6


def test_calendar_is_linked_from_the_article_list_and_the_admin_index(editor_client):
    """The desk finds the calendar beside the articles and on the admin's home."""
    for name in ("admin:articles_article_changelist", "admin:index"):
        page = parse(editor_client.get(reverse(name)))
        assert page.select_one(f'a[href="{CALENDAR}"]'), name
