"""
The cache's circuit breaker: with Redis hanging (a listener that accepts and
never answers), one time-out opens the breaker and later cache calls skip
Redis until the period ends; then one call tries again.
"""

import time
import uuid

import pytest
from django.core.cache import cache

from newsroom.cache.backends import CircuitBreaker
from tests.factories import make_article
from tests.faults import HangingListener

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/9"


def breaker_cache(location, seconds):
    return {
        "default": {
            "BACKEND": "newsroom.cache.backends.CircuitBreakerRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "breaker_seconds": seconds,
            },
        }
    }


@pytest.fixture
def hanging_redis():
    with HangingListener() as listener:
        yield listener


def test_a_hanging_redis_is_asked_once_per_breaker_period(settings, hanging_redis):
    settings.CACHES = breaker_cache(hanging_redis.url, seconds=60)
    assert cache.get("k", "miss") == "miss"  # times out, opens the breaker
    asked = hanging_redis.received
    assert asked >= 1

    for n in range(50):
        assert cache.get(f"k{n}", "miss") == "miss"
        cache.set(f"k{n}", n)
        assert cache.add(f"k{n}", n) is False
        assert cache.get_many([f"k{n}"]) == {}
    time.sleep(0.1)  # anything sent would have arrived by now

    assert hanging_redis.received == asked


def test_an_article_page_with_redis_hanging_asks_redis_once(
    client, settings, hanging_redis
):
    """Five article pages cost one time-out between them, not one per cache call."""
    settings.CACHES = breaker_cache(hanging_redis.url, seconds=60)
    settings.PAGE_CACHE_SECONDS = 300
    article = make_article()
    client.get(article.get_absolute_url())
    asked = hanging_redis.received

    for _ in range(5):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert article.title in response.text
    time.sleep(0.1)

    assert hanging_redis.received == asked


def test_after_the_period_one_call_tries_redis_again(settings, hanging_redis):
    settings.CACHES = breaker_cache(hanging_redis.url, seconds=0.3)
    cache.get("k")
    asked = hanging_redis.received
    cache.get("k")
    time.sleep(0.4)
    cache.get("k")  # the probe: sent, times out, opens again
    time.sleep(0.1)
    assert hanging_redis.received > asked


def test_a_healthy_redis_keeps_the_breaker_closed(settings):
    settings.CACHES = breaker_cache(REDIS_URL, seconds=60)
    cache.set("greeting", "Dia duit", timeout=30)
    assert cache.get("greeting") == "Dia duit"
    assert cache.breaker.open_until == 0.0
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.breaker.open_until == 0.0


def test_the_breaker_closes_when_redis_answers_again():
    breaker = CircuitBreaker("redis://example", seconds=5)
    breaker.failed(OSError("refused"), now=100.0)
    assert not breaker.allow(now=101.0)
    assert not breaker.allow(now=104.9)
    assert breaker.allow(now=105.0)  # the probe
    assert not breaker.allow(now=105.1)  # others skip while it probes
    breaker.succeeded()
    assert breaker.allow(now=105.2)
    assert breaker.allow(now=105.3)
