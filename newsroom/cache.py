"""
The cache: a Redis cache that degrades to a miss when Redis is down or slow,
and the page cache of the public reading pages built on it.
"""

import functools
import hashlib
import logging
import re
import time
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

import redis
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.cache.utils import make_template_fragment_key
from django.core.handlers.wsgi import WSGIHandler
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe, split_header_value
from redis.exceptions import RedisError, ResponseError

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

    def tracked(self):
        """
        This process's copy of values read through Redis client tracking
        (RedisTracking), or None while Redis may not be called. Django gives
        each thread its own cache object, so each thread its own copy.
        """
        if not self._may_call() or not self.__dict__.get("_tracks", True):
            return None
        if "_tracking" not in self.__dict__:
            options = {
                name: self._options[name]
                for name in ("socket_timeout", "socket_connect_timeout")
                if name in self._options
            }
            self._tracking = RedisTracking(self, self._servers[0], options)
        return self._tracking

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


class RedisTracking:
    """
    A value read from Redis and kept in this process until Redis says it
    changed, and pages kept beside it that are only good under that value.

    The connection asks Redis to track what it reads (CLIENT TRACKING, RESP3):
    when a key it read changes, is deleted or evicted, or Redis restarts,
    Redis pushes a notice down this connection. Redis writes the notice
    before it answers the change itself, so by the time a change made
    anywhere can have caused another request here, the notice is readable on
    the socket. Checking for one costs a poll of the socket, not a round
    trip. A value is also read again after HOLD_SECONDS in any case.
    """

    HOLD_SECONDS = 1.0
    MAX_PAGES = 500
    TRACKING_ON = ("CLIENT", "TRACKING", "ON")

    def __init__(self, backend, location, options):
        self.backend = backend
        self.pool = redis.ConnectionPool.from_url(location, protocol=3, **options)
        self.connection = None
        self.key = None
        self.value = None
        self.read_at = 0.0
        self.pages = {}

    def current(self, key):
        """The value of `key` (Django's cache key), from Redis when it changed."""
        try:
            if (
                key == self.key
                and self.value is not None
                and time.monotonic() - self.read_at < self.HOLD_SECONDS
                and not self.connection.can_read(timeout=0)
            ):
                return self.value
            self._read(key)
        except ResponseError as exc:
            # A Redis without client tracking (before 6, or CLIENT disabled):
            # the page cache reads the version with each page, as without.
            logger.warning("Redis client tracking refused, not used: %s", exc)
            self.forget()
            self.backend._tracks = False
            return None
        except (RedisError, OSError) as exc:
            self.forget()
            self.backend._failed("tracking", exc)
            return None
        return self.value

    def _read(self, key):
        if self.connection is None:
            self.connection = self.pool.make_connection()
            self.connection.connect()
            self.connection.send_command(*self.TRACKING_ON)
            self.connection.read_response()
        # Reading the answer reads (and drops) the notices sent before it.
        self.connection.send_command("GET", self.backend.make_key(key))
        raw = self.connection.read_response()
        value = None if raw is None else self.backend._cache._serializer.loads(raw)
        if value != self.value:
            self.pages.clear()
        self.key, self.value, self.read_at = key, value, time.monotonic()

    def forget(self):
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = self.key = self.value = None
        self.pages.clear()

    def page(self, key, version, now):
        page = self.pages.get(key)
        if page is not None and page[0] == version and page[4] > now:
            return page
        return None

    def keep(self, key, page):
        if len(self.pages) >= self.MAX_PAGES:
            del self.pages[next(iter(self.pages))]
        self.pages[key] = page


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


CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg"}


def project_code_folders():
    """
    The project's own code: its package, its apps and its template folders
    (not installed packages, which a release changes by their versions).
    """
    from django.apps import apps

    root = Path(settings.BASE_DIR).resolve()
    project = import_module(settings.ROOT_URLCONF.partition(".")[0])
    folders = [Path(project.__file__).parent]
    folders += [
        Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]
    ]
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        inside = path.relative_to(root).parts if path.is_relative_to(root) else ()
        if inside and not inside[0].startswith("."):  # not under .venv
            folders.append(path)
    return sorted({folder.resolve() for folder in folders})


def digest_of(folders):
    """A digest of the code and template files in `folders`, names and contents."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def code_digest():
    """
    A digest of the project's code and templates, part of the key of every
    rendered thing kept in the cache (pages, fragments, cards, values kept
    under the content version): what one release rendered is never served
    by the next, with no step to remember when deploying. Computed once a
    process.
    """
    return digest_of(project_code_folders())


def tracking():
    """
    This process's RedisTracking of the cache, or None (another backend, or
    Redis may not be called now).
    """
    tracked = getattr(cache, "tracked", None)
    return tracked() if tracked else None


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
        value = cache.get_or_set(f"pages:{version}:{code_digest()}:{name}", compute)
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

    key = f"pages:{version}:next-publication"
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


def fragment_key(name, version, vary=()):
    """The cache key of the part `name` of a reading page ({% fragment %})."""
    return make_template_fragment_key(name, [version, code_digest(), *vary])


def read_fragments(names, version, vary=()):
    """
    The kept parts `names` of one page, read in one round trip, as
    {name: html, or None where not kept}.
    """
    keys = {name: fragment_key(name, version, vary) for name in names}
    found = cache.get_many(keys.values())
    return {name: found.get(key) for name, key in keys.items()}


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


# Serving a cached page
#
# A page is kept as it leaves Django, every middleware's headers added and
# compressed by GZipMiddleware (one copy per encoding), so a hit sends stored
# bytes and builds nothing. PageCacheMiddleware, first in MIDDLEWARE, stores
# pages and serves the requests that reach Django; PageCacheWSGIHandler
# (newsroom.wsgi) serves plain hits before Django builds a request at all:
# no middleware, no URL resolving, no request signals.

ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware decides
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def may_use_page_cache(environ):
    """
    Whether a request (its WSGI environ, or request.META) may be served
    from the page cache or fill it: a GET or HEAD with no session cookie (any
    cookie header mentioning one counts) outside the static files.
    """
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and f"{settings.SESSION_COOKIE_NAME}=" not in environ.get("HTTP_COOKIE", "")
        and not environ.get("PATH_INFO", "").startswith(settings.STATIC_URL)
    )


def page_key(environ):
    """
    Where a page is kept: one key per address (scheme, host, path and query)
    and encoding (gzip or not), whatever the content version. Read from the
    environ the way Django reads request.scheme and request.get_host(), so
    that a hit is found before Django builds a request. Django checks the
    host against ALLOWED_HOSTS when it renders the page, so only hosts it
    accepts ever have an entry.
    """
    encoding = ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", ""))
    address = (
        f"{_scheme(environ)}://{_host(environ)}{environ.get('SCRIPT_NAME', '')}"
        f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    )
    digest = hashlib.sha256(address.encode()).hexdigest()
    kind = "gzip" if encoding else "identity"
    return f"pages:page:{code_digest()}:{kind}:{digest}"


def _scheme(environ):
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure else "http"
    return environ.get("wsgi.url_scheme", "http")


def _host(environ):
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return environ["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in environ:
        return environ["HTTP_HOST"]
    return f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"


def read_page(key):
    """
    The content version and the page kept at `key` if it was rendered under
    that version and is still good (else None). With Redis, a page this
    process has kept since Redis last changed the version costs no round
    trip (RedisTracking); otherwise the version and the page are read
    together in one.
    """
    now = time.time()
    tracked = tracking()
    if tracked is not None:
        version = tracked.current(CONTENT_VERSION_KEY)
        if version is not None and (page := tracked.page(key, version, now)):
            return version, page
    found = cache.get_many([CONTENT_VERSION_KEY, key])
    version = found.get(CONTENT_VERSION_KEY)
    page = found.get(key)
    if version is None or page is None or page[0] != version or page[4] <= now:
        return version, None
    if tracked is not None:
        tracked.keep(key, page)
    return version, page


def keep_page(key, page, seconds):
    cache.set(key, page, timeout=seconds)
    tracked = tracking()
    if tracked is not None:
        tracked.keep(key, page)


def last_modified(rendered_at, now):
    """
    Last-Modified of a page rendered at `rendered_at`, served at `now`: the
    second it was rendered in, once that second is over. Within it a change
    could follow and render a page with the same Last-Modified, which
    If-Modified-Since could not tell apart.
    """
    return http_date(rendered_at) if int(rendered_at) < int(now) else None


def edge_expiry(now):
    """
    How long nginx in front (deploy/nginx/newsroom.conf) may keep a page
    sent at `now`: to the end of this second, so that a change shows through
    the edge within a second. (nginx counts whole seconds: its shortest
    proxy_cache_valid, 1s, keeps a page from one to two seconds.) nginx reads
    X-Accel-Expires and does not pass it on.
    """
    return f"@{int(now)}"


def served_headers(page, now):
    """
    A kept page's headers as served at `now`, with its Age, Last-Modified and
    edge expiry.
    """
    _version, rendered_at, headers, _body, _expires_at = page
    served = [
        *headers,
        ("Age", str(max(int(now - rendered_at), 0))),
        ("X-Accel-Expires", edge_expiry(now)),
    ]
    if modified := last_modified(rendered_at, now):
        served.append(("Last-Modified", modified))
    return served


class PageCacheWSGIHandler(WSGIHandler):
    """
    Django's WSGI handler, except that a page-cache hit is answered before
    Django builds a request: it costs one cache round trip and no
    middleware, URL resolving or request signal, less than the barest Django
    view. Conditional requests and everything else go through Django, where
    PageCacheMiddleware keeps the pages and answers If-None-Match and
    If-Modified-Since.
    """

    def __call__(self, environ, start_response):
        if (
            settings.PAGE_CACHE_SECONDS
            and may_use_page_cache(environ)
            and not any(header in environ for header in CONDITIONAL_HEADERS)
        ):
            _version, page = read_page(page_key(environ))
            if page is not None:
                start_response("200 OK", served_headers(page, time.time()))
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else page[3]]
        return super().__call__(environ, start_response)


class PageCacheMiddleware:
    """
    Serves public reading pages to anonymous readers from the cache, with no
    database query and in one cache round trip (the content version and the
    page are read together with get_many). It comes first in MIDDLEWARE: a
    hit runs no other middleware, and a miss stores the response as the
    others leave it (their headers and GZipMiddleware's compression kept,
    one copy per encoding; a response that sets a cookie or varies on more
    than Accept-Encoding is not stored).

    A view opts in with a true `server_cached` attribute (on its class for a
    class-based view). Only GET and HEAD requests without a session cookie
    are served or stored, and only 200 responses that set no cookie are
    stored. Anonymous responses of such views also get a strong ETag (of the
    bytes sent) and, from the cache, a Last-Modified; a matching
    If-None-Match or If-Modified-Since gets 304 Not Modified, from the cache
    or not. Their Cache-Control lifetimes never reach past the next
    scheduled publication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_use_page_cache(request.META):
            return self.get_response(request)
        request.page_cache_version = None
        if settings.PAGE_CACHE_SECONDS:
            request.page_cache_key = page_key(request.META)
            version, page = read_page(request.page_cache_key)
            if page is not None:
                response = HttpResponse(page[3])
                for name, value in served_headers(page, time.time()):
                    response[name] = value
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
            page = (
                request.page_cache_version,
                request.page_cache_rendered_at,
                list(response.items()),
                response.content,
                time.time() + seconds,
            )
            keep_page(request.page_cache_key, page, seconds)
        now = time.time()
        if modified := last_modified(request.page_cache_rendered_at, now):
            response["Last-Modified"] = modified
        response["X-Accel-Expires"] = edge_expiry(now)
        return not_modified(request, response) or response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = getattr(view_func, "view_class", view_func)
        if not (
            getattr(view, "server_cached", False)
            and hasattr(request, "page_cache_version")
        ):
            return None
        request.page_cacheable = True
        request.page_cache_rendered_at = time.time()
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
    """
    304 Not Modified when the reader's copy is this page: If-None-Match names
    its ETag, or (without If-None-Match) If-Modified-Since is no earlier than
    its Last-Modified.
    """
    if request.method not in ("GET", "HEAD") or not response.has_header("ETag"):
        return None
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )
    if conditional is response:
        return None
    if response.has_header("X-Accel-Expires"):  # the edge's renewed copy too
        conditional["X-Accel-Expires"] = response["X-Accel-Expires"]
    return conditional


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
    """
    A response the page cache may keep and give to any anonymous reader: a
    200 that sets no cookie, is not private, and varies at most on
    Accept-Encoding (which the key covers).
    """
    vary = {field.lower() for field in split_header_value(response.get("Vary", ""))}
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and vary <= {"accept-encoding"}
        and "private" not in cache_control
        and "no-store" not in cache_control
    )
