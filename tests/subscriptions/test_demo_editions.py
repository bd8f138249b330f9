"""
The demo paper's sent editions, rendered as their readers get them: under
the size at which Gmail clips a message, every picture described and sized,
the preheader, the web copy answering without any subscriber's data, and a
plain-text part with the HTML's stories.
"""

import io
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import override_settings

from subscriptions import mail
from subscriptions.models import Edition, Subscription
from tests.articles.test_load_demo import DEMO_WORKER, remove_demo_paper

pytestmark = [pytest.mark.django_db, DEMO_WORKER]

SITE = "https://news.example.org"
# Gmail shows "[Message clipped]" past 102 KB of HTML; editions stay under 100 KB.
GMAIL_CLIPS_AT = 100 * 1000
DEMO_ARTICLES = 30


@pytest.fixture(scope="module", autouse=True)
def demo_paper(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    One demo paper for the module (its pictures' renditions are slow to
    make); yields the folder of its pictures.
    """
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        with mock.patch(
            "articles.embeds.fetch", side_effect=AssertionError("fetched at demo time")
        ):
            call_command(
                "load_demo", "--articles", str(DEMO_ARTICLES), stdout=io.StringIO()
            )
        yield media
        remove_demo_paper()


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def demo_messages():
    """Each demo edition as one confirmed reader of it receives it."""
    messages = []
    for edition in Edition.objects.select_related("newsletter").order_by("pk"):
        subscription = Subscription.objects.create(
            email=f"reader-{edition.pk}@example.com",
            newsletter=edition.newsletter,
            status=Subscription.Status.CONFIRMED,
        )
        shared = mail.edition_context(edition, edition.ordered_articles())
        message = mail.edition_message(shared, subscription)
        html, _ = message.alternatives[0]
        messages.append((edition, subscription, message.body, html))
    return messages


def test_the_demo_sends_an_edition_of_each_newsletter_with_a_note_and_pictures():
    editions = list(Edition.objects.select_related("newsletter"))

    assert {e.newsletter.slug for e in editions} == {"news-wrap", "the-week"}
    for edition in editions:
        assert edition.status == Edition.Status.SENT
        assert edition.intro.startswith("<p>Good")
        assert edition.items.count() == edition.newsletter.maximum_articles
        assert any(a.lead_picture for a in edition.ordered_articles())


def test_every_demo_edition_is_under_the_size_gmail_clips_at(capsys):
    sizes = {}
    for edition, _, _, html in demo_messages():
        sizes[edition.newsletter.name] = len(html.encode())
        assert sizes[edition.newsletter.name] < GMAIL_CLIPS_AT
    # The biggest is the weekly one, with the most stories.
    assert max(sizes, key=sizes.get) == "The Week"
    with capsys.disabled():
        print(
            "\nDemo edition HTML sizes:",
            ", ".join(f"{name} {size:,} bytes" for name, size in sizes.items()),
        )


def test_every_picture_has_alt_text_width_and_height_from_an_absolute_address():
    for _, _, _, html in demo_messages():
        pictures = BeautifulSoup(html, "html.parser").find_all("img")
        assert pictures
        for img in pictures:
            assert img["alt"].strip()
            assert int(img["width"]) > 0 and int(img["height"]) > 0
            assert img["src"].startswith(SITE + "/")


def test_the_preheader_is_the_editors_notes_first_words():
    for edition, _, _, html in demo_messages():
        preheader = BeautifulSoup(html, "html.parser").body.find("div")
        assert "display: none" in preheader["style"]
        assert preheader.get_text().startswith("Good ")
        words = preheader.get_text().split("\u034f")[0].strip().removesuffix("…")
        assert " ".join(mail.note_text(edition.intro).split()).startswith(words)


def test_the_web_link_answers_without_any_subscribers_data(client):
    for edition, subscription, _, html in demo_messages():
        link = BeautifulSoup(html, "html.parser").find(
            "a", string="Read this edition on the web"
        )
        assert link["href"] == SITE + edition.get_absolute_url()

        response = client.get(link["href"].removeprefix(SITE))

        assert response.status_code == 200
        page = response.content.decode()
        assert subscription.email not in page
        assert subscription.get_unsubscribe_url() not in page
        assert subscription.get_preferences_url() not in page


def test_the_plain_text_part_has_the_htmls_stories_in_order():
    for _, _, text, html in demo_messages():
        soup = BeautifulSoup(html, "html.parser")
        stories = [(a.get_text(), a["href"]) for a in soup.select("h2 > a")]
        assert len(stories) >= 10
        lines = text.splitlines()
        positions = []
        for title, url in stories:
            at = lines.index(title)
            assert lines[at + 1 :].index(url) <= 3
            positions.append(at)
        assert positions == sorted(positions)
        assert re.search(r"^Read this edition on the web: https://", text, re.M)
