"""
The shared cache on a real Redis, and what readers get when Redis is down:
a slower page, never an error page.
"""

import os
import uuid
import warnings

import pytest
from django.core.cache import cache, caches

from tests.factories import make_article

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
# Nothing listens on port 1: connections are refused at once.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "newsroom.cache.backends.ResilientRedisCache",
            "LOCATION": location,
            # A key prefix per test keeps runs apart without flushing Redis.
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


def test_values_round_trip_through_a_running_redis(settings):
    settings.CACHES = redis_cache(REDIS_URL)
    cache.set("greeting", {"text": "Dia duit"}, timeout=30)
    assert cache.get("greeting") == {"text": "Dia duit"}
    assert cache.add("greeting", "other") is False
    assert cache.get_many(["greeting", "missing"]) == {"greeting": {"text": "Dia duit"}}
    cache.delete("greeting")
    assert cache.get("greeting", "gone") == "gone"


def test_a_redis_that_is_down_reads_as_a_miss_and_writes_as_nothing(settings):
    settings.CACHES = redis_cache(DEAD_REDIS_URL)
    cache.set("greeting", "Dia duit")
    assert cache.get("greeting") is None
    assert cache.get("greeting", "default") == "default"
    assert cache.get_many(["greeting"]) == {}
    assert cache.add("greeting", "x") is False
    assert cache.has_key("greeting") is False
    cache.delete("greeting")


def test_article_page_still_answers_when_redis_is_down(client, settings):
    """The newsletter promos' cache fails over to the database."""
    settings.CACHES = redis_cache(DEAD_REDIS_URL)
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.text


def test_cache_calls_reuse_one_redis_client(settings):
    """Building a redis.Redis per call cost more CPU than a page-cache hit."""
    settings.CACHES = redis_cache(REDIS_URL)
    client = cache._cache.get_client()
    cache.set("greeting", "Dia duit")
    assert cache.get("greeting") == "Dia duit"
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server


def count_cache_calls(monkeypatch, named="kept"):
    """
    The names of the calls made to the default cache for keys that hold
    `named` (not the content version's own), as they are made.
    """
    calls = []
    for name in ("get", "get_many", "set", "add", "get_or_set"):
        original = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda key, *args, _name=name, _original=original, **kwargs: (
                (named in str(key) and calls.append(_name))
                or _original(key, *args, **kwargs)
            ),
        )
    return calls


def test_a_value_kept_under_the_content_version_costs_one_read_and_one_write_in_redis(
    monkeypatch, settings
):
    """Computed once, kept as computed (None too): not read back after writing."""
    from newsroom.cache import versions

    settings.CACHES = redis_cache(REDIS_URL)
    computed = []
    calls = count_cache_calls(monkeypatch)
    assert versions.content_cached("example", lambda: computed.append(1)) is None
    assert calls == ["get", "set"]
    monkeypatch.setattr(versions, "version_memo", versions.VersionMemo())
    assert versions.content_cached("example", lambda: computed.append(1)) is None
    assert calls == ["get", "set", "get"]
    assert computed == [1]


def test_a_value_kept_under_the_content_version_in_local_memory_is_kept_once(
    monkeypatch,
):
    """
    With the cache in this process's own memory, the process keeps the value
    for the version (VersionMemo) and puts no second, pickled copy in the
    cache; None is kept as computed too.
    """
    from newsroom.cache import versions

    computed = []
    calls = count_cache_calls(monkeypatch)
    assert versions.content_cached("example", lambda: computed.append(1)) is None
    assert versions.content_cached("example", lambda: computed.append(1)) is None
    assert computed == [1]
    assert calls == []
    versions.bump_content_version()
    assert versions.content_cached("example", lambda: computed.append(2)) is None
    assert computed == [1, 2]
    assert calls == []


def test_the_next_scheduled_change_in_local_memory_is_kept_in_the_process_alone(
    monkeypatch,
):
    from newsroom.cache import versions

    read = []
    monkeypatch.setattr(versions, "_schedules", [lambda: read.append(1)])
    calls = count_cache_calls(monkeypatch, named="schedule")
    version = versions.content_version()
    assert versions.seconds_to_next_change(version) is None
    assert versions.seconds_to_next_change(version) is None
    assert read == [1]
    assert calls == []


@pytest.mark.parametrize(
    "backend", ["newsroom.cache.backends.LocMemCache", "redis"], ids=["memory", "redis"]
)
def test_keys_are_taken_as_they_come_with_no_memcached_warning(settings, backend):
    # Django's backends check every key, a character at a time, against
    # memcached's rules and warn; neither Redis nor local memory has them.
    if backend == "redis":
        settings.CACHES = redis_cache(REDIS_URL)
    else:
        settings.CACHES = {"default": {"BACKEND": backend}}
    key = "a key with spaces, \u00e9 and a tab\t" + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.set(key, "kept", timeout=30)
        assert cache.get(key) == "kept"
        assert cache.get_many([key]) == {key: "kept"}
        cache.delete(key)


def test_the_local_memory_backend_is_known_as_this_process_memory(settings):
    # The content version lives in a file, shared by the processes, only
    # when the cache is each process's own (newsroom.cache.versions).
    from django.core.cache.backends.locmem import LocMemCache

    from newsroom.cache.versions import cache_is_this_process

    settings.CACHES = {"default": {"BACKEND": "newsroom.cache.backends.LocMemCache"}}
    assert isinstance(caches["default"], LocMemCache)
    assert cache_is_this_process()
