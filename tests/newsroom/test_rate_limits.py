"""
Rate limits on the public forms: per client address and per email address,
a 429 page that keeps what the reader typed, the proxy header trusted only
when configured, and counters that fail open when the cache is down.
"""

import logging
import uuid

import pytest
from django.core import mail

from newsroom.ratelimit import rate_limit_exceeded
from subscriptions.models import DeliveryRequest, Subscription
from tests.subscriptions.factories import (
    delivery_form_data,
    make_delivery_area,
    make_newsletter,
    sign_up_data,
)

pytestmark = pytest.mark.django_db

SIGN_UP = "/newsletters/sign-up/"
DELIVERY = "/delivery/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "sign-up:address": (10, 600),
        "sign-up:email": (3, 3600),
        "delivery:address": (10, 600),
        "delivery:email": (3, 3600),
    }


def test_a_burst_of_200_sign_ups_from_one_address_is_cut_off_at_the_limit(
    client, django_capture_on_commit_callbacks
):
    """200 different addresses from one client: 10 accepted and mailed, 190 refused."""
    newsletter = make_newsletter()
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(200):
            data = sign_up_data(newsletter, email=f"stranger{n}@example.ie")
            statuses.append(client.post(SIGN_UP, data).status_code)

    assert statuses.count(302) == 10
    assert statuses.count(429) == 190
    assert statuses[:10] == [302] * 10
    assert Subscription.objects.count() == 10
    assert len(mail.outbox) == 10


def test_one_email_address_is_limited_across_client_addresses(client):
    """The fourth sign-up for one address within the hour is refused, wherever from."""
    newsletter = make_newsletter()
    statuses = [
        client.post(
            SIGN_UP,
            sign_up_data(newsletter, email="target@example.ie"),
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_the_429_page_keeps_what_the_reader_typed_and_says_when_to_retry(
    client, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (0, 600)}
    newsletter = make_newsletter()
    response = client.post(
        SIGN_UP, sign_up_data(newsletter, email="patient.reader@example.ie")
    )
    assert response.status_code == 429
    # At most the rest of this window and the next, as its requests age out.
    assert 0 < int(response["Retry-After"]) <= 1201
    assert "Too many requests just now" in response.text
    assert 'value="patient.reader@example.ie"' in response.text
    assert Subscription.objects.count() == 0


def test_the_delivery_form_over_its_limit_answers_429_with_the_form_filled_in(
    client, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "delivery:address": (2, 600)}
    make_delivery_area(routing_keys=["A65"])
    statuses = [
        client.post(
            DELIVERY, delivery_form_data(idempotency_key=str(uuid.uuid4()))
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    response = client.post(DELIVERY, delivery_form_data(name="Seán Ó Dálaigh"))
    assert response.status_code == 429
    assert "Seán Ó Dálaigh" in response.text
    assert DeliveryRequest.objects.count() == 2


def test_delivery_requests_per_email_address_are_limited(client):
    make_delivery_area(routing_keys=["A65"])
    statuses = [
        client.post(
            DELIVERY,
            delivery_form_data(idempotency_key=str(uuid.uuid4())),
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_a_forged_forwarded_for_header_is_ignored_without_a_proxy(client, settings):
    settings.BEHIND_PROXY = False
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (2, 600)}
    newsletter = make_newsletter()
    statuses = [
        client.post(
            SIGN_UP,
            sign_up_data(newsletter, email=f"r{n}@example.ie"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_behind_the_proxy_each_forwarded_client_is_counted_apart(client, settings):
    """The proxy's own (last) entry counts; what the client put before it does not."""
    settings.BEHIND_PROXY = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (1, 600)}
    newsletter = make_newsletter()

    def post(n, forwarded):
        data = sign_up_data(newsletter, email=f"r{n}@example.ie")
        return client.post(SIGN_UP, data, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert post(1, "203.0.113.1") == 302
    assert post(2, "203.0.113.2") == 302
    assert post(3, "10.9.9.9, 203.0.113.1") == 429


def test_counters_fail_open_with_a_warning_when_the_cache_is_down(
    client, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (1, 600)}
    newsletter = make_newsletter()
    with caplog.at_level(logging.WARNING, logger="newsroom.ratelimit"):
        statuses = [
            client.post(
                SIGN_UP, sign_up_data(newsletter, email=f"r{n}@example.ie")
            ).status_code
            for n in range(3)
        ]
    assert statuses == [302, 302, 302]
    assert "Rate limit sign-up:address not applied" in caplog.text


def test_a_limit_lifts_as_its_requests_age_out_of_the_window(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (2, 600)}
    start = 1_800_000_000.0  # a window boundary (divisible by 600)
    assert rate_limit_exceeded("sign-up:address", "192.0.2.1", now=start) is None
    assert rate_limit_exceeded("sign-up:address", "192.0.2.1", now=start + 1) is None
    exceeded = rate_limit_exceeded("sign-up:address", "192.0.2.1", now=start + 100)
    # Three counted: room for one more once two-thirds of them have aged out.
    assert exceeded is not None and exceeded.retry_after == 500 + 400 + 1
    assert rate_limit_exceeded("sign-up:address", "192.0.2.2", now=start + 100) is None
    assert rate_limit_exceeded("sign-up:address", "192.0.2.1", now=start + 600)
    assert rate_limit_exceeded("sign-up:address", "192.0.2.1", now=start + 1801) is None


def test_a_burst_straddling_a_window_boundary_gets_no_more_than_the_limit(settings):
    """Fixed windows would let 2 × 10 through here: 10 before, 10 after."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:address": (10, 600)}
    boundary = 1_800_000_000.0
    allowed = [
        rate_limit_exceeded("sign-up:address", "192.0.2.9", now=boundary + n / 100)
        is None
        for n in range(-100, 100)
    ]
    assert allowed.count(True) == 10


def test_counts_another_thread_made_are_emptied_before_the_next_test(settings):
    """
    A live server counts in its own thread. What it counted is gone before
    the next test, even when the test's own thread never opened the cache:
    a browser test's fourth sign-up in a worker is not refused.
    """
    import threading

    from tests.kept import empty_local_memory_caches

    settings.RATE_LIMITS = {"sign-up:email": (1, 600)}
    # A fresh cache configuration: no thread has opened it yet.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"counted-elsewhere-{uuid.uuid4()}",
        }
    }
    counted = threading.Thread(
        target=rate_limit_exceeded, args=("sign-up:email", "reader@example.com")
    )
    counted.start()
    counted.join()

    empty_local_memory_caches()

    assert rate_limit_exceeded("sign-up:email", "reader@example.com") is None
