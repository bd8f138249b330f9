"""
The home page keeps its body and its lead picture's preload as fragments
under the content version: a warm home page runs no query, and a change or a
scheduled publication shows on the next render.
"""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def paper():
    section = make_section(name="News")
    for age in range(1, 6):
        make_article(
            section=section,
            title=f"Story {age}",
            published_at=timezone.now() - timedelta(hours=age),
        )
    return section


def titles(client):
    return [text(a) for a in parse(client.get(HOME)).select(".card__title a")]


def test_a_warm_home_page_runs_no_query(client, paper, django_assert_max_num_queries):
    first = client.get(HOME)
    with django_assert_max_num_queries(0):
        again = client.get(HOME)
    assert again.content == first.content


def test_a_publish_shows_on_the_next_render(client, paper):
    client.get(HOME)
    make_article(section=paper, title="Breaking: the bridge reopens")
    assert titles(client)[0] == "Breaking: the bridge reopens"


def test_a_scheduled_article_leads_when_its_time_comes(client, paper):
    scheduled = make_article(
        section=paper,
        title="Scheduled for a moment from now",
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert scheduled.title not in titles(client)
    time.sleep(max(scheduled.published_at.timestamp() - time.time(), 0) + 0.1)
    assert titles(client)[0] == scheduled.title


def test_without_a_shared_cache_every_render_arranges_the_page(
    client, paper, settings, django_assert_max_num_queries
):
    settings.FRAGMENT_CACHE_SECONDS = 0
    first = client.get(HOME)
    with django_assert_max_num_queries(8) as queries:
        again = client.get(HOME)
    assert len(queries) >= 3
    assert again.content == first.content


def test_the_front_page_preview_neither_reads_nor_fills_the_fragments(
    admin_client, client, paper
):
    client.get(HOME)  # fragments warm
    scheduled = make_article(
        section=paper,
        title="The lead of tomorrow",
        published_at=timezone.now() + timedelta(days=1),
    )
    at = (timezone.localtime() + timedelta(days=1, minutes=1)).strftime(
        "%Y-%m-%d %H:%M"
    )
    preview = admin_client.get(
        reverse("admin:articles_frontpageslot_preview"), {"at": at}
    )
    assert scheduled.title in preview.text
    assert scheduled.title not in client.get(HOME).text
