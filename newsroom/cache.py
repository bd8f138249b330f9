"""
The cache: a Redis cache that degrades to a miss when Redis is down or slow,
and the page cache of the public reading pages built on it.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ReusedRedisCacheClient(RedisCacheClient):
    """
    Django's Redis client, except that it builds one redis.Redis per
    connection pool and reuses it, instead of one for every cache call:
    building one (its table of response callbacks) cost more CPU than the
    page cache's whole round trip. redis.Redis is safe to share between
    threads; the connections still come from the pool.
    """

    def get_client(self, key=None, *, write=False):
        clients = self.__dict__.setdefault("_clients", {})
        index = self._get_connection_pool_index(write)
        if index not in clients:
            clients[index] = super().get_client(key, write=write)
        return clients[index]


class ResilientRedisCache(RedisCache):
    """
    Django's RedisCache, except that a connection error or time-out is logged
    and treated as a miss (reads) or a no-op (writes), so a cache outage
    slows pages down instead of breaking them. Short socket time-outs are set
    in settings. Subclasses decide, through the three hooks below, whether a
    call may go to Redis at all (newsroom.cache_backends adds a circuit
    breaker that way).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

    def _may_call(self):
        """Whether this call may go to Redis."""
        return True

    def _answered(self):
        """Redis answered the call."""

    def _failed(self, name, exc):
        """Redis failed or timed out on the call `name`."""
        logger.warning("Cache %s failed, carrying on without: %s", name, exc)

    def _degrade(name, default=None):
        method = getattr(RedisCache, name)

        def wrapper(self, *args, **kwargs):
            fallback = default() if callable(default) else default
            if not self._may_call():
                return fallback
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                self._failed(name, exc)
                return fallback
            except ValueError:  # incr() of a missing key: Redis did answer
                self._answered()
                raise
            self._answered()
            return result

        wrapper.__name__ = name
        wrapper.__doc__ = method.__doc__
        return wrapper

    get_many = _degrade("get_many", dict)
    set = _degrade("set")
    set_many = _degrade("set_many", list)
    add = _degrade("add", False)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    delete_many = _degrade("delete_many")
    has_key = _degrade("has_key", False)
    incr = _degrade("incr")
    clear = _degrade("clear")
    del _degrade

    def get(self, key, default=None, version=None):
        if not self._may_call():
            return default
        try:
            value = super().get(key, default, version)
        except (RedisError, OSError) as exc:
            self._failed("get", exc)
            return default
        self._answered()
        return value


# The page cache
#
# Public reading pages are kept whole for anonymous readers. Every page key
# includes a "content version" number, and any change a reader could see bumps
# that number, so one bump drops every cached page at once. Each app tells the
# page cache what its readers see from its AppConfig.ready(): the models
# (page_cache_watch) and when something goes live by itself
# (page_cache_schedule). The page cache itself knows no app's models.
# That is more than the per-article invalidation DESIGN.md §4 describes, but
# it is simpler and cannot miss a page that shows the changed thing (a
# byline on the home page, a tag on an author page, a newsletter promo on an
# article page).

CONTENT_VERSION_KEY = "pages:content-version"


def content_version():
    """
    The current content version. A version evicted from the cache starts
    again from the clock, never from a number pages were cached under.
    """
    return cache.get_or_set(CONTENT_VERSION_KEY, time.time_ns, timeout=None)


def bump_content_version():
    """Forget every cached page (new version, new keys)."""
    try:
        if cache.incr(CONTENT_VERSION_KEY) is not None:
            return
    except ValueError:  # no version yet: nothing is cached under one either
        pass
    cache.set(CONTENT_VERSION_KEY, time.time_ns(), timeout=None)


def content_changed(**kwargs):
    """
    Signal receiver for anything a reader sees. Bumps now, so later reads in
    the same transaction miss, and again once the transaction commits, so a
    page another reader cached from the old rows meanwhile is dropped too.
    """
    bump_content_version()
    transaction.on_commit(bump_content_version)


class ReaderVisibleQuerySet(models.QuerySet):
    """
    A queryset whose bulk writes, which send no signal, drop the cached pages
    as a save would.
    """

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        content_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        content_changed()
        return updated

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        content_changed()
        return updated


def page_cache_watch(*models, through=()):
    """
    Drop every cached page when a row of one of `models` ("app_label.Model")
    is saved or deleted, or a many-to-many relation through one of `through`
    changes. Apps call it from AppConfig.ready(); their querysets' bulk
    writes, which send no signal, use ReaderVisibleQuerySet.
    """
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=model, dispatch_uid="pages")
    for model in through:
        m2m_changed.connect(content_changed, sender=model, dispatch_uid="pages")


_schedules = []


def page_cache_schedule(next_change):
    """
    Register `next_change()`, which returns the next moment (an aware
    datetime, or None) when something a reader sees changes by itself, such
    as a scheduled article going live. No page is kept past the earliest.
    """
    if next_change not in _schedules:
        _schedules.append(next_change)


def next_scheduled_change():
    moments = [moment for source in _schedules if (moment := source())]
    return min(moments) if moments else None


def content_cached(name, compute):
    """
    `compute()`, kept in the cache under the content version, so that it is
    dropped with the cached pages by any change a reader could see.
    """
    version = content_version()
    if version is None:
        return compute()
    return cache.get_or_set(f"pages:{version}:{name}", compute)


def seconds_to_next_change(version):
    """
    Seconds until the next scheduled change (None when none is scheduled).
    The moment is cached under the content version (a new schedule bumps
    it), so it costs one query per version and per publication.
    """
    key = f"pages:{version}:next-publication"
    upcoming = cache.get(key)
    if upcoming is None or 0 < upcoming <= time.time():  # unknown or now live
        first = next_scheduled_change()
        upcoming = first.timestamp() if first else 0
        cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS or None)
    if not upcoming:
        return None
    return max(int(upcoming - time.time()), 0)


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
    if settings.PAGE_CACHE_SECONDS and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The page cache is on (PAGE_CACHE_SECONDS) in a per-process "
                "local-memory cache: a change made by one process shows on "
                "the others only when their copies expire.",
                hint="Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="newsroom.W001",
            )
        ]
    return []


def page_key(request):
    """
    Where a page is kept: one key per address (scheme, host, path and query),
    whatever the content version. The entry carries the version it was
    rendered under, so one read of the version and the page together tells
    whether the page is current.
    """
    address = request.build_absolute_uri()
    return "pages:page:" + hashlib.sha256(address.encode()).hexdigest()


class PageCacheMiddleware:
    """
    Serves public reading pages to anonymous readers from the cache, with no
    database query and in one cache round trip (the content version and the
    page are read together with get_many). It sits above the session, CSRF,
    auth, message and CSP middleware: a hit runs none of them, and a miss
    stores the response only after they have all had their say (their
    headers are kept; a response that sets a cookie is not stored).

    A view opts in with a true `server_cached` attribute (on its class for a
    class-based view). Only GET and HEAD requests without a session cookie
    are served or stored, and only 200 responses that set no cookie are
    stored. Anonymous responses of such views also get a strong ETag, and a
    matching If-None-Match gets 304 Not Modified, from the cache or not.
    Their Cache-Control lifetimes never reach past the next scheduled
    publication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return self.get_response(request)
        request.page_cache_version = None
        if settings.PAGE_CACHE_SECONDS:
            request.page_cache_key = page_key(request)
            found = cache.get_many([CONTENT_VERSION_KEY, request.page_cache_key])
            version = found.get(CONTENT_VERSION_KEY)
            entry = found.get(request.page_cache_key)
            if version is not None and entry is not None and entry[0] == version:
                _version, stored_at, frozen = entry
                response = thaw(frozen)
                response["Age"] = max(int(time.time() - stored_at), 0)
                return not_modified(request, response) or response
            request.page_cache_version = version
        response = self.get_response(request)
        if not getattr(request, "page_cacheable", False) or not storable(response):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = strong_etag(response.content)
        bound_lifetimes(response, request.page_cache_bound)
        seconds = getattr(request, "page_cache_seconds", 0)
        if seconds:
            entry = (request.page_cache_version, time.time(), freeze(response))
            cache.set(request.page_cache_key, entry, timeout=seconds)
        return not_modified(request, response) or response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = getattr(view_func, "view_class", view_func)
        if not (
            getattr(view, "server_cached", False)
            and hasattr(request, "page_cache_version")
        ):
            return None
        request.page_cacheable = True
        version = request.page_cache_version
        if version is None:
            version = request.page_cache_version = content_version()
        # Measured before the page is rendered: a publication that falls
        # during a slow render still ends the cached copies' lives.
        request.page_cache_bound = seconds_to_next_change(version)
        if settings.PAGE_CACHE_SECONDS:
            request.page_cache_seconds = page_cache_seconds(version)
        return None


def strong_etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def not_modified(request, response):
    """304 Not Modified when the reader's copy (If-None-Match) is this page."""
    if request.method not in ("GET", "HEAD") or not response.has_header("ETag"):
        return None
    conditional = get_conditional_response(
        request, etag=response["ETag"], response=response
    )
    return None if conditional is response else conditional


def bound_lifetimes(response, seconds):
    """
    No cache along the way (browser, CDN, edge) may keep the page past the
    next scheduled publication, `seconds` from now (None: none scheduled);
    nor serve it stale after it.
    """
    if seconds is None or not response.has_header("Cache-Control"):
        return
    directives = dict(
        part.strip().partition("=")[::2]
        for part in response["Cache-Control"].split(",")
        if part.strip()
    )
    changed = False
    stale = int(directives.get("stale-while-revalidate") or 0)
    for name in ("max-age", "s-maxage"):
        if name in directives and int(directives[name]) + stale > seconds:
            directives[name] = str(min(int(directives[name]), seconds))
            if directives.pop("stale-while-revalidate", None) is not None:
                stale = 0
            changed = True
    if changed:
        response["Cache-Control"] = ", ".join(
            f"{name}={value}" if value else name for name, value in directives.items()
        )


def storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
    )


def freeze(response):
    """What the cache keeps of a response: everything but cookies."""
    headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
    return (response.status_code, headers, response.content)


def thaw(frozen):
    status, headers, content = frozen
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response
