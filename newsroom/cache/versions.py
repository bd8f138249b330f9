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

import os
import tempfile
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.utils import timezone

from .backends import tracking
from .keys import cache_key

CONTENT_VERSION_KEY = cache_key("content-version")

# The version read from the version file in the current request, if any
# (one_version_per_request).
_request_versions = ContextVar("request_versions", default=None)


def version_file():
    """
    The file that holds the content version when the cache is this process's
    own (no Redis), or None. Every process on the machine (gunicorn's
    workers, the task worker, management commands) reads and bumps the same
    file, so the pages and parts each keeps in its own memory are keyed by
    one version, and a change made anywhere shows everywhere on the next
    request. Reading it costs one small file read (a few microseconds).
    """
    path = settings.CONTENT_VERSION_FILE
    if path and cache_is_this_process():
        return path
    return None


def cache_is_this_process():
    """Whether the cache is this process's own memory (no Redis)."""
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def read_version_file(path):
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return write_version_file(path)
    try:
        text = os.read(descriptor, 32)
    finally:
        os.close(descriptor)
    try:
        return int(text)
    except ValueError:  # not ours, or emptied by hand: start again
        return write_version_file(path)


def write_version_file(path):
    """
    A new version, from the clock, written whole: readers see the old file
    or the new one (os.replace), never a part of one.
    """
    version = time.time_ns()
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".content-version-")
    try:
        os.write(descriptor, str(version).encode())
        os.close(descriptor)
        os.chmod(temporary, 0o664)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return version


def content_version():
    """
    The current content version. A version evicted from the cache starts
    again from the clock, never from a number pages were cached under. With
    Redis, this process's tracked copy is used while Redis says it has not
    changed (RedisTracking), which costs no round trip. Without Redis it is
    read from the version file every process shares (version_file), once a
    request (one_version_per_request).
    """
    if path := version_file():
        read = _request_versions.get()
        if read is None:
            return read_version_file(path)
        if path not in read:
            read[path] = read_version_file(path)
        return read[path]
    tracked = tracking()
    if tracked is not None:
        version = tracked.current(CONTENT_VERSION_KEY)
        if version is not None:
            return version
    return cache.get_or_set(CONTENT_VERSION_KEY, time.time_ns, timeout=None)


@contextmanager
def one_version_per_request():
    """
    Within, the version file is read once: a render asks for the version
    several times (the page cache, the page's parts, kept values), and each
    asking would otherwise be a file read. Entered as a request starts and
    left as it ends, so no request sees a version an earlier one read; a
    request that bumps the version goes on with the new one. Entered again
    within the same request, it keeps the version already read.
    """
    if _request_versions.get() is not None:
        yield
        return
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


class VersionMemo:
    """
    Values that hold for one content version, kept in this process beside
    their shared copy (with Redis), or as the only copy when the cache is
    this process's own memory: while the version is the same they cannot
    change, and a new version forgets them all. Only one version is kept.
    """

    def __init__(self):
        self.version = None
        self.values = {}

    def get(self, version, name, default=None):
        if version != self.version:
            return default
        return self.values.get(name, default)

    def keep(self, version, name, value):
        if version != self.version:
            self.version, self.values = version, {}
        self.values[name] = value
        return value


version_memo = VersionMemo()


def bump_content_version():
    """Forget every cached page (new version, new keys)."""
    if path := version_file():
        version = write_version_file(path)
        if (read := _request_versions.get()) is not None:
            read[path] = version
        return
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


# What the cache answers for a key it does not hold (a kept value may be None).
_MISSING = object()


def content_cached(name, compute):
    """
    `compute()`, kept under the content version, so that it is dropped with
    the cached pages by any change a reader could see: in this process
    (version_memo), and in the cache when every process shares it (Redis;
    a cache in this process's own memory would only hold a second copy,
    pickled at a cost of a tenth of a millisecond for the site frame).
    Computed each time unless the reading pages' parts may be kept at all
    (settings.FRAGMENT_CACHE_SECONDS).
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return compute()
    version = content_version()
    if version is None:
        return compute()
    value = version_memo.get(version, name, _MISSING)
    if value is _MISSING:
        if cache_is_this_process():
            value = compute()
        else:
            key = cache_key("kept", name, version)
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                # Not get_or_set(), which reads the value back after adding
                # it: whatever another process kept under this version is the
                # same.
                value = compute()
                cache.set(key, value)
        version_memo.keep(version, name, value)
    return value


# The next scheduled change's name in version_memo, which content_cached()'s
# names share.
SCHEDULE_MEMO = "next scheduled change"


def seconds_to_next_change(version):
    """
    Seconds until the next scheduled change (None when none is scheduled).
    The moment is cached under the content version (a new schedule bumps
    it), so it costs one query per version and per publication, and is kept
    in this process too (VersionMemo), only there when the cache is this
    process's own.
    """

    def unknown_or_past(upcoming):
        return upcoming is None or 0 < upcoming <= time.time()

    upcoming = version_memo.get(version, SCHEDULE_MEMO)
    if unknown_or_past(upcoming):
        # The shared copy's key, made only when there is a shared copy: a
        # digest, on every request's path.
        key = None if cache_is_this_process() else cache_key("schedule", version)
        if key is not None:
            upcoming = cache.get(key)
        if unknown_or_past(upcoming):
            first = next_scheduled_change()
            upcoming = first.timestamp() if first else 0
            if key is not None:
                cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS or None)
        version_memo.keep(version, SCHEDULE_MEMO, upcoming)
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
def check_what_is_shared(app_configs, **kwargs):
    """
    Says what is shared between processes and servers. With Redis, every
    kept page, part and value and the content version are shared by every
    process on every server. Without it, each process keeps its own, and the
    content version file keeps them right on one machine only; without that
    file, kept pages and parts would be stale in every process but the one
    that made the change.
    """
    if not cache_is_this_process():
        return []
    keeps = settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE_SECONDS
    if not keeps:
        return []
    path = settings.CONTENT_VERSION_FILE
    if not path:
        return [
            checks.Warning(
                "Pages or their parts are kept in each process's own memory "
                "with no CONTENT_VERSION_FILE: a change made by one process "
                "shows on the others only when their copies expire.",
                hint="Set CONTENT_VERSION_FILE (one server) or REDIS_URL.",
                id="newsroom.W001",
            )
        ]
    folder = os.path.dirname(path) or "."
    probe = folder
    while not os.path.exists(probe):
        probe = os.path.dirname(probe) or "."
    if not (os.path.isdir(probe) and os.access(probe, os.W_OK)):
        return [
            checks.Error(
                f"CONTENT_VERSION_FILE's folder {folder} cannot be written: "
                "a change would not reach the kept pages.",
                hint="Give the application's user write access to it.",
                id="newsroom.E002",
            )
        ]
    return [
        checks.Info(
            "Kept pages, parts and values live in each process's own memory "
            f"and follow the content version in {path}, which every process "
            "on this machine shares: correct on one server. A second server "
            "needs REDIS_URL (shared cache and version).",
            id="newsroom.I001",
        )
    ]
