"""
/metrics: Prometheus' text format, answered only to METRICS_TOKEN or to a
request made straight from METRICS_NETWORKS; it counts requests by page,
page-cache, fragment and card hits and misses, and reports the outbox and
the worker. (Counting across gunicorn's workers: tests/deploy/test_edge.py.)
"""

import uuid
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from articles.models import Article, Image
from articles.templatetags.article_tags import article_cards
from subscriptions.models import OutboundEmail
from subscriptions.outbound import email_queue
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

TOKEN = "scrape-" + "t" * 40


@pytest.fixture(autouse=True)
def _metrics(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_NETWORKS = []


def scrape(client=None, **headers):
    response = (client or Client()).get(
        "/metrics", headers={"Authorization": f"Bearer {TOKEN}", **headers}
    )
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_without_the_token_or_an_allowed_network_there_is_nothing_here(settings):
    assert Client().get("/metrics").status_code == 404
    wrong = Client().get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 404
    settings.METRICS_TOKEN = ""
    sent_anyway = {"Authorization": f"Bearer {TOKEN}"}
    assert Client().get("/metrics", headers=sent_anyway).status_code == 404


def test_an_allowed_network_reads_it_directly_but_never_through_the_edge(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = ["127.0.0.0/8"]
    assert Client().get("/metrics").status_code == 200  # REMOTE_ADDR 127.0.0.1
    through_edge = Client().get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert through_edge.status_code == 404
    settings.METRICS_NETWORKS = ["10.0.0.0/8"]
    assert Client().get("/metrics").status_code == 404


def test_requests_are_counted_and_timed_by_page():
    article = make_article()
    before = scrape()
    for _ in range(3):
        assert Client().get(article.get_absolute_url()).status_code == 200
    Client().get("/no-such-page-at-all/")
    after = scrape()
    counted = "newsroom_requests_total"
    assert (
        value(after, counted, page="article", status="2xx")
        - value(before, counted, page="article", status="2xx")
        == 3
    )
    timed = "newsroom_request_seconds_count"
    assert (
        value(after, timed, page="article") - value(before, timed, page="article") == 3
    )
    assert value(after, counted, status="4xx", page="section") > value(
        before, counted, status="4xx", page="section"
    )


def test_page_fragment_and_card_lookups_are_counted_as_hits_and_misses(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"metrics-{uuid.uuid4().hex}",
        }
    }
    make_article()
    home = reverse("articles:home")
    lookups = "newsroom_cache_lookups_total"
    before = scrape()
    Client().get(home)  # rendered: the page, its fragments and cards missed
    Client().get(home)  # from the page cache
    after = scrape()

    def grew(kind, result):
        return value(after, lookups, kind=kind, result=result) - value(
            before, lookups, kind=kind, result=result
        )

    assert grew("page", "miss") == 1
    assert grew("page", "hit") == 1
    assert grew("fragment", "miss") >= 1
    assert grew("card", "miss") >= 1
    settings.PAGE_CACHE_SECONDS = 0
    before = scrape()
    Client().get(home)  # rendered again, from its kept fragments
    after = scrape()
    assert grew("fragment", "hit") >= 1
    assert grew("fragment", "miss") == 0
    listed = list(Article.objects.published().for_listing())
    before = scrape()
    article_cards(listed, level=4)  # a card no page has shown yet
    article_cards(listed, level=4)
    after = scrape()
    assert grew("card", "miss") == grew("card", "hit") == 1


def test_the_outbox_and_the_worker_are_reported():
    samples = scrape()
    assert value(samples, "newsroom_outbox_waiting_emails") == 0
    assert value(samples, "newsroom_outbox_oldest_waiting_seconds") == 0
    email = email_queue(
        EmailMessage("Confirm", "…", to=["reader@example.com"]), "confirmation"
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        queued_at=timezone.now() - timedelta(minutes=10)
    )
    samples = scrape()
    assert value(samples, "newsroom_outbox_waiting_emails") == 1
    assert 600 <= value(samples, "newsroom_outbox_oldest_waiting_seconds") < 700
    assert ("newsroom_tasks_waiting", ()) in samples


def test_pictures_waiting_for_their_renditions_are_reported():
    assert value(scrape(), "newsroom_renditions_waiting") == 0
    picture = make_image()
    Image.objects.filter(pk=picture.pk).update(
        renditions_status=Image.RenditionsStatus.WAITING
    )
    assert value(scrape(), "newsroom_renditions_waiting") == 1
