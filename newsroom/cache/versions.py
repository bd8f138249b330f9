"""
The content version, and what is kept under it.

Every kept render's key includes a "content version" number, and any change
a reader could see bumps that number (newsroom.cache.readers), so one bump
drops every cached page, part and value at once. That is more than the
per-article invalidation DESIGN.md §4 describes, but it is simpler and
cannot miss a page that shows the changed thing (a byline on the home page,
a tag on an author page, a newsletter promo on an article page). What goes
live by itself, with no save (a scheduled article), is registered with
page_cache_schedule(): nothing is kept past the next such moment.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.utils import timezone

from .backends import tracking
from .keys import cache_key

CONTENT_VERSION_KEY = cache_key("content-version")


def content_version():
    """
    The current content version. A version evicted from the cache starts
    again from the clock, never from a number pages were cached under. With
    Redis, this process's tracked copy is used while Redis says it has not
    changed (RedisTracking), which costs no round trip.
    """
    tracked = tracking()
    if tracked is not None:
        version = tracked.current(CONTENT_VERSION_KEY)
        if version is not None:
            return version
    return cache.get_or_set(CONTENT_VERSION_KEY, time.time_ns, timeout=None)


class VersionMemo:
    """
    Values that hold for one content version, kept in this process beside
    their shared copy: while the version is the same they cannot change, and
    a new version forgets them all. Only one version is kept.
    """

    def __init__(self):
        self.version = None
        self.values = {}

    def get(self, version, name):
        if version != self.version:
            return None
        return self.values.get(name)

    def keep(self, version, name, value):
        if version != self.version:
            self.version, self.values = version, {}
        self.values[name] = value
        return value


version_memo = VersionMemo()


def bump_content_version():
    """Forget every cached page (new version, new keys)."""
    try:
        if cache.incr(CONTENT_VERSION_KEY) is not None:
            return
    except ValueError:  # no version yet: nothing is cached under one either
        pass
    cache.set(CONTENT_VERSION_KEY, time.time_ns(), timeout=None)


_schedules = []


def page_cache_schedule(next_change):
    """
    Register `next_change()`, which returns the next moment (an aware
    datetime, or None) when something a reader sees changes by itself, such
    as a scheduled article going live. No page is kept past the earliest.
    Apps call it from AppConfig.ready().
    """
    if next_change not in _schedules:
        _schedules.append(next_change)


def next_scheduled_change():
    moments = [moment for source in _schedules if (moment := source())]
    return min(moments) if moments else None


def content_cached(name, compute):
    """
    `compute()`, kept in the cache under the content version, so that it is
    dropped with the cached pages by any change a reader could see; computed
    each time unless the reading pages' parts may be kept at all
    (settings.FRAGMENT_CACHE_SECONDS: only with a cache every process shares,
    as a per-process one would keep what another process has changed).
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return compute()
    version = content_version()
    if version is None:
        return compute()
    value = version_memo.get(version, name)
    if value is None:
        value = cache.get_or_set(cache_key("kept", name, version), compute)
        version_memo.keep(version, name, value)
    return value


def seconds_to_next_change(version):
    """
    Seconds until the next scheduled change (None when none is scheduled).
    The moment is cached under the content version (a new schedule bumps
    it), so it costs one query per version and per publication, and is kept
    in this process too (VersionMemo).
    """

    def unknown_or_past(upcoming):
        return upcoming is None or 0 < upcoming <= time.time()

    key = cache_key("schedule", version)
    upcoming = version_memo.get(version, key)
    if unknown_or_past(upcoming):
        upcoming = cache.get(key)
    if unknown_or_past(upcoming):
        first = next_scheduled_change()
        upcoming = first.timestamp() if first else 0
        cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS or None)
    version_memo.keep(version, key, upcoming)
    if not upcoming:
        return None
    return max(int(upcoming - time.time()), 0)


def fragment_seconds(version, today_only=False):
    """
    How long parts of a reading page rendered now may be kept (0: not at
    all): FRAGMENT_CACHE_SECONDS, and never past the next scheduled change,
    which happens without a save. With `today_only`, not past local midnight
    either, for parts that say when things happened as a reader says it
    ("09:24", "Yesterday, 21:27"). Their keys change with the content
    version, so a kept part is never out of date, only unused.
    """
    longest = settings.FRAGMENT_CACHE_SECONDS
    if not longest:
        return 0
    upcoming = seconds_to_next_change(version)
    if upcoming is not None:
        longest = min(longest, upcoming)
    if today_only:
        now = timezone.localtime()
        midnight = timezone.make_aware(
            datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        )
        longest = min(longest, int((midnight - now).total_seconds()))
    return max(longest, 0)


def page_cache_seconds(version):
    """
    How long a page rendered now may be kept: PAGE_CACHE_SECONDS, but never
    past the next scheduled change, which goes live by itself without a save.
    """
    longest = settings.PAGE_CACHE_SECONDS
    upcoming = seconds_to_next_change(version)
    if upcoming is not None:
        longest = min(longest, upcoming)
    return max(longest, 0)


@checks.register(checks.Tags.caches, deploy=True)
def check_page_cache_is_shared(app_configs, **kwargs):
    """
    In production the page cache must be shared by every process (Redis) or
    off: a per-process cache leaves the other processes serving a page
    changed elsewhere (another worker, a management command) until it
    expires, since the content version each one checks is its own.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith("LocMemCache"):
        return []
    found = []
    if settings.PAGE_CACHE_SECONDS:
        found.append(
            checks.Warning(
                "The page cache is on (PAGE_CACHE_SECONDS) in a per-process "
                "local-memory cache: a change made by one process shows on "
                "the others only when their copies expire.",
                hint="Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="newsroom.W001",
            )
        )
    if getattr(settings, "FRAGMENT_CACHE_SECONDS", 0):
        found.append(
            checks.Warning(
                "Page fragments are kept (FRAGMENT_CACHE_SECONDS) in a "
                "per-process local-memory cache: a change made by one process "
                "shows on the others only when their fragments expire.",
                hint="Set REDIS_URL, or FRAGMENT_CACHE_SECONDS=0.",
                id="newsroom.W002",
            )
        )
    return found
