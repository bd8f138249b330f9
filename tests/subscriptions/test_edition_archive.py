"""
The web archive: each sent edition's permanent public page, listed on its
newsletter's page and in its feed, the same for every reader and cached
like the reading pages.
"""

import uuid

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from subscriptions.models import Edition
from tests.factories import make_article, make_image

from .factories import make_newsletter, make_subscription
from .test_edition_layout import make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    articles = [
        make_article(title=f"Harbour story {n}", lead_image=make_image())
        for n in range(3)
    ]
    return make_edition(articles, intro="<p>A word from the <em>editor</em>.</p>")


def test_a_sent_editions_page_shows_its_note_stories_and_a_sign_up_form(
    client, edition, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(edition.get_absolute_url())

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == edition.subject
    assert "A word from the editor." in soup.find(class_="edition__note").get_text()
    titles = [h.get_text(strip=True) for h in soup.select(".card__title")]
    assert titles == ["Harbour story 0", "Harbour story 1", "Harbour story 2"]
    form = soup.find("form", action=reverse("subscriptions:newsletter-sign-up"))
    assert form.find("input", attrs={"name": "newsletter"})["value"] == str(
        edition.newsletter.pk
    ) or form.find(attrs={"value": edition.newsletter.slug})
    assert (
        response["Cache-Control"].startswith("public")
        or "max-age" in (response["Cache-Control"])
    )


def test_the_web_page_carries_no_subscribers_address_or_token(client, edition):
    subscription = make_subscription(
        newsletter=edition.newsletter, email="reader@example.com"
    )

    html = client.get(edition.get_absolute_url()).content.decode()

    assert "reader@example.com" not in html
    assert subscription.get_unsubscribe_url() not in html
    assert subscription.get_preferences_url() not in html
    assert "/newsletters/unsubscribe/" not in html
    assert "/newsletters/preferences/" not in html


@pytest.mark.parametrize(
    "status", [Edition.Status.DRAFT, Edition.Status.SCHEDULED, Edition.Status.SKIPPED]
)
def test_an_edition_not_sent_has_no_public_page(client, status):
    edition = make_edition([make_article()], status=status)

    assert client.get(edition.get_absolute_url()).status_code == 404


def test_an_edition_answers_only_under_its_own_newsletter(client, edition):
    other = make_newsletter(slug="the-week", name="The Week")
    url = reverse(
        "subscriptions:edition",
        kwargs={"newsletter_slug": other.slug, "pk": edition.pk},
    )

    assert client.get(url).status_code == 404


def test_a_story_taken_down_since_leaves_the_editions_page(client, edition):
    gone = edition.ordered_articles()[1]
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)

    html = client.get(edition.get_absolute_url()).content.decode()

    assert "Harbour story 0" in html and "Harbour story 2" in html
    assert gone.title not in html


def test_the_newsletters_page_lists_its_sent_editions_with_a_sign_up_form(
    client, edition, django_assert_max_num_queries
):
    draft = make_edition(
        [make_article()], newsletter=edition.newsletter, status=Edition.Status.DRAFT
    )
    draft.subject = "Not yet"
    draft.save()

    with django_assert_max_num_queries(4):
        response = client.get(edition.newsletter.get_absolute_url())

    soup = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in soup.select(".edition-archive__list a")]
    assert links == [edition.get_absolute_url()]
    assert soup.find("form", action=reverse("subscriptions:newsletter-sign-up"))
    assert "Not yet" not in response.content.decode()


def test_the_newsletters_feed_lists_its_sent_editions(client, settings, edition):
    settings.SITE_URL = "https://news.example.org"
    make_edition([make_article()], status=Edition.Status.DRAFT)
    url = reverse(
        "subscriptions:newsletter-feed", kwargs={"slug": edition.newsletter.slug}
    )

    response = client.get(url)
    feed = feedparser.parse(response.content)

    assert "public" in response["Cache-Control"]
    assert [entry.link for entry in feed.entries] == [
        "https://news.example.org" + edition.get_absolute_url()
    ]
    assert feed.entries[0].title == edition.subject
    assert "editor" in feed.entries[0].summary
    page = client.get(edition.newsletter.get_absolute_url()).content.decode()
    assert f'type="application/rss+xml" title="{edition.newsletter.name}' in page


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"page-cache-{uuid.uuid4().hex}",
        }
    }


def test_archive_pages_are_kept_and_a_new_sent_edition_shows_at_once(
    client, page_cache, edition, django_assert_max_num_queries
):
    pages = [edition.get_absolute_url(), edition.newsletter.get_absolute_url()]
    for url in pages:
        client.get(url)
    with django_assert_max_num_queries(0):
        for url in pages:
            assert client.get(url).status_code == 200

    later = make_edition(
        [make_article()], newsletter=edition.newsletter, status=Edition.Status.SENDING
    )
    later.subject = "A later edition"
    later.save()

    assert "A later edition" in client.get(pages[1]).content.decode()


def test_the_fixed_newsletter_addresses_win_and_their_names_are_no_slugs(client):
    """A newsletter's page never hides the sign-up answer, nor takes its name."""
    make_newsletter(slug="news-wrap")

    assert b"Check your inbox" in client.get("/newsletters/check-your-inbox/").content
    for slug in ("check-your-inbox", "sign-up", "confirm"):
        newsletter = make_newsletter(slug=slug)
        with pytest.raises(ValidationError) as refused:
            newsletter.full_clean()
        assert "another page's address" in str(refused.value)


def test_the_newsletters_list_links_to_each_newsletters_past_editions(client, edition):
    soup = BeautifulSoup(client.get("/newsletters/").content, "html.parser")

    link = soup.find("a", string=f"Past editions of {edition.newsletter.name}")
    assert link["href"] == edition.newsletter.get_absolute_url()
