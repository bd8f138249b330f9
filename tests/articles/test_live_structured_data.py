"""
A live article's JSON-LD: a LiveBlogPosting with everything an article's
has, its coverage's start and (once ended) end, and one BlogPosting per
entry shown on the page.
"""

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.live import ENTRIES_PER_PAGE
from articles.models import Article, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_author, make_editor, make_image, make_section
from tests.html import parse

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def live_blog(client, url):
    response = client.get(url)
    assert response.status_code == 200
    items = [
        json.loads(element.string)
        for element in parse(response).select('script[type="application/ld+json"]')
    ]
    found = [item for item in items if item["@type"] == "LiveBlogPosting"]
    assert len(found) == 1, [item["@type"] for item in items]
    return found[0]


def when(value):
    return datetime.fromisoformat(value)


def at_second(moment):
    return moment.replace(microsecond=0)


def set_times(entry, created, updated=None):
    LiveEntry.objects.filter(pk=entry.pk).update(
        created_at=created, updated_at=updated or created
    )
    entry.refresh_from_db()
    return entry


@pytest.fixture
def coverage():
    """A live article published two hours ago with three entries since."""
    now = timezone.now()
    jane = make_author(name="Jane Doe", slug="jane-doe")
    article = make_live_article(
        title="Storm Éowyn: live",
        standfirst="Updates as the storm crosses the country.",
        section=make_section(name="News", slug="news"),
        authors=[jane],
        tags=["storm"],
        lead_image=make_image(),
        published_at=now - timedelta(hours=2),
    )
    Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(hours=2))
    first = set_times(
        make_entry(
            article,
            authors=[jane],
            headline="Red warning issued",
            body="<p>Met Éireann has issued a <strong>red</strong> warning.</p>",
        ),
        now - timedelta(minutes=90),
    )
    second = set_times(
        make_entry(article, body="<p>Trees down on the N7 near Naas.</p>"),
        now - timedelta(minutes=60),
        updated=now - timedelta(minutes=30),
    )
    third = set_times(
        make_entry(article, body="<p>Ferries cancelled.</p>"),
        now - timedelta(minutes=45),
    )
    return article, [first, second, third]


def test_a_live_article_is_a_live_blog_posting_with_an_articles_properties(
    client, coverage
):
    article, _ = coverage
    data = live_blog(client, article.get_absolute_url())
    url = SITE + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Storm Éowyn: live"
    assert data["description"] == "Updates as the storm crosses the country."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert when(data["datePublished"]) == at_second(article.published_at)
    assert data["author"] == [
        {"@type": "Person", "name": "Jane Doe", "url": f"{SITE}/authors/jane-doe/"}
    ]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["image"] and all(u.startswith(SITE) for u in data["image"])
    assert data["articleSection"] == "News"
    assert data["keywords"] == ["storm"]


def test_coverage_starts_with_the_first_entry_and_is_modified_by_the_latest(
    client, coverage
):
    """dateModified is the latest entry's time (an edit counts); no end while live."""
    article, (first, second, _) = coverage
    data = live_blog(client, article.get_absolute_url())
    assert when(data["coverageStartTime"]) == at_second(first.created_at)
    assert when(data["dateModified"]) == at_second(second.updated_at)
    assert "coverageEndTime" not in data


def test_the_pages_modified_time_is_the_latest_entrys(client, coverage):
    """article:modified_time, for sharing previews, agrees with dateModified."""
    article, (_, second, _) = coverage
    page = parse(client.get(article.get_absolute_url()))
    meta = page.select_one('meta[property="article:modified_time"]')
    assert when(meta["content"]) == at_second(second.updated_at)


def test_coverage_with_no_entry_starts_at_publication(client):
    article = make_live_article(published_at=timezone.now() - timedelta(hours=1))
    data = live_blog(client, article.get_absolute_url())
    assert when(data["coverageStartTime"]) == at_second(article.published_at)
    assert data["liveBlogUpdate"] == []


def test_each_entry_on_the_page_is_a_blog_posting(client, coverage):
    """
    Newest first as on the page: headline (or first line), times, plain
    text, the entry's anchor and its authors.
    """
    article, (first, second, third) = coverage
    data = live_blog(client, article.get_absolute_url())
    url = SITE + article.get_absolute_url()
    updates = data["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [
        f"{url}#entry-{entry.pk}" for entry in (third, second, first)
    ]
    assert all(u["@type"] == "BlogPosting" for u in updates)
    newest, edited, oldest = updates
    assert oldest["headline"] == "Red warning issued"
    assert oldest["articleBody"] == "Met Éireann has issued a red warning."
    assert when(oldest["datePublished"]) == at_second(first.created_at)
    assert "dateModified" not in oldest
    assert oldest["author"] == [
        {"@type": "Person", "name": "Jane Doe", "url": f"{SITE}/authors/jane-doe/"}
    ]
    assert edited["headline"] == "Trees down on the N7 near Naas."
    assert when(edited["dateModified"]) == at_second(second.updated_at)
    assert "author" not in newest


def test_ended_coverage_has_an_end_time(client, coverage):
    article, (_, second, _) = coverage
    Article.objects.filter(pk=article.pk).update(
        live_state=Article.LiveState.ENDED, updated_at=second.updated_at
    )
    data = live_blog(client, article.get_absolute_url())
    assert when(data["coverageEndTime"]) == at_second(second.updated_at)
    assert data["coverageEndTime"] >= data["coverageStartTime"]


def test_ending_shows_in_the_json_ld_at_once(client, coverage):
    """The kept JSON-LD is replaced when the coverage ends."""
    article, _ = coverage
    assert "coverageEndTime" not in live_blog(client, article.get_absolute_url())
    article.live_state = Article.LiveState.ENDED
    article.save()
    data = live_blog(client, article.get_absolute_url())
    assert when(data["coverageEndTime"]) == at_second(article.updated_at)


def test_a_later_page_describes_its_own_entries(client):
    """?page=2 lists the entries it shows, at their anchors on that page."""
    article = make_live_article()
    entries = [make_entry(article) for _ in range(ENTRIES_PER_PAGE + 2)]
    url = article.get_absolute_url() + "?page=2"
    data = live_blog(client, url)
    assert [u["url"] for u in data["liveBlogUpdate"]] == [
        f"{SITE}{url}#entry-{entry.pk}" for entry in (entries[1], entries[0])
    ]


def test_a_preview_describes_the_coverage_as_readers_see_it(client, coverage):
    """The editor's preview carries the same coverage times as the page."""
    article, (first, second, _) = coverage
    client.force_login(make_editor())
    data = live_blog(
        client, reverse("admin:articles_article_preview", args=[article.pk])
    )
    assert when(data["coverageStartTime"]) == at_second(first.created_at)
    assert when(data["dateModified"]) == at_second(second.updated_at)
    assert len(data["liveBlogUpdate"]) == 3
