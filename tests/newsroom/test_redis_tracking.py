"""
The content version held in each process and checked against Redis's
notices (client tracking): a change made through any other connection is
seen on the next read, an unchanged one costs no round trip, and a dropped
connection or a Redis that is down only costs a round trip or a miss.
"""

import time

import pytest
import redis
from django.core.cache import cache, caches

from tests.newsroom.test_cache import DEAD_REDIS_URL, REDIS_URL, redis_cache

pytestmark = pytest.mark.django_db

KEY = "pages:content-version"


@pytest.fixture
def tracked(settings):
    settings.CACHES = redis_cache(REDIS_URL)
    cache.set(KEY, 7, timeout=None)
    tracked = cache.tracked()
    assert tracked.current(KEY) == 7
    yield tracked
    tracked.forget()


def elsewhere():
    """Another server's cache: its own object and connections to Redis."""
    return caches.create_connection("default")


def counting_round_trips(tracked, monkeypatch):
    sent = []
    original = tracked.connection.send_command

    def send_command(*args, **kwargs):
        sent.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(tracked.connection, "send_command", send_command)
    return sent


def test_an_unchanged_version_is_read_from_this_process(tracked, monkeypatch):
    sent = counting_round_trips(tracked, monkeypatch)
    for _ in range(50):
        assert tracked.current(KEY) == 7
    assert sent == []


def test_a_change_made_elsewhere_is_seen_on_the_next_read(tracked):
    elsewhere().incr(KEY)
    assert tracked.current(KEY) == 8
    elsewhere().set(KEY, 20, timeout=None)
    assert tracked.current(KEY) == 20
    elsewhere().delete(KEY)
    assert tracked.current(KEY) is None


def test_a_change_made_here_is_seen_on_the_next_read_too(tracked):
    cache.incr(KEY)
    assert tracked.current(KEY) == 8


def test_pages_kept_under_an_old_version_are_dropped(tracked):
    page = (7, time.time(), [], b"page", time.time() + 60)
    tracked.keep("pages:page:identity:abc", page)
    assert tracked.page("pages:page:identity:abc", 7, time.time()) == page
    elsewhere().incr(KEY)
    assert tracked.current(KEY) == 8
    assert tracked.pages == {}


def test_an_expired_page_is_not_served_from_this_process(tracked):
    now = time.time()
    tracked.keep("pages:page:identity:abc", (7, now - 60, [], b"page", now - 1))
    assert tracked.page("pages:page:identity:abc", 7, now) is None


def test_the_version_is_read_again_after_the_hold_in_any_case(tracked, monkeypatch):
    tracked.read_at -= tracked.HOLD_SECONDS
    sent = counting_round_trips(tracked, monkeypatch)
    assert tracked.current(KEY) == 7
    assert sent == ["GET"]


def test_a_connection_redis_drops_is_noticed_and_opened_again(tracked):
    tracked.connection.send_command("CLIENT", "ID")
    client_id = tracked.connection.read_response()
    redis.Redis.from_url(REDIS_URL).client_kill_filter(_id=client_id)
    elsewhere().incr(KEY)  # no notice can reach the dropped connection
    deadline = time.monotonic() + 5
    while (value := tracked.current(KEY)) != 8:
        assert value is None  # a miss meanwhile, never the old version
        assert time.monotonic() < deadline
    assert tracked.current(KEY) == 8


def test_a_redis_that_is_down_gives_no_version(settings):
    settings.CACHES = redis_cache(DEAD_REDIS_URL)
    assert cache.tracked().current(KEY) is None


def test_a_redis_refusing_client_tracking_is_read_as_before(settings, monkeypatch):
    """One round trip per hit, as without tracking; the cache itself still works."""
    from newsroom.cache.backends import RedisTracking

    settings.CACHES = redis_cache(REDIS_URL)
    monkeypatch.setattr(RedisTracking, "TRACKING_ON", ("CLIENT", "TRACKING", "NO"))
    cache.set(KEY, 7, timeout=None)
    assert cache.tracked().current(KEY) is None  # Redis answered an error
    assert cache.tracked() is None
    assert cache.get(KEY) == 7


def test_rendering_reads_the_content_version_without_a_round_trip(tracked, monkeypatch):
    from newsroom.cache.versions import content_version

    sent = counting_round_trips(tracked, monkeypatch)
    calls = []
    for name in ("get", "get_or_set", "get_many"):
        monkeypatch.setattr(
            type(caches["default"]),
            name,
            lambda *args, _name=name, **kwargs: calls.append(_name),
        )
    for _ in range(20):
        assert content_version() == 7
    assert sent == [] and calls == []
    elsewhere().incr(KEY)
    assert content_version() == 8


def test_values_kept_in_this_process_follow_a_change_made_elsewhere(tracked, settings):
    """content_cached keeps its value in the process only for one version."""
    from newsroom.cache.versions import content_cached

    settings.FRAGMENT_CACHE_SECONDS = 60
    computed = []

    def compute():
        computed.append(1)
        return f"computed {len(computed)}"

    assert content_cached("example", compute) == "computed 1"
    assert content_cached("example", compute) == "computed 1"
    assert len(computed) == 1
    elsewhere().incr(KEY)
    assert content_cached("example", compute) == "computed 2"
