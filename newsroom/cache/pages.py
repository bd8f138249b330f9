"""
The page cache: whole public reading pages kept for anonymous readers.

A page is kept as it leaves Django, every middleware's headers added and
compressed by GZipMiddleware (one copy per encoding), so a hit sends stored
bytes and builds nothing. PageCacheMiddleware, first in MIDDLEWARE, stores
pages and serves the requests that reach Django; PageCacheWSGIHandler
(newsroom.wsgi) serves plain hits before Django builds a request at all:
no middleware, no URL resolving, no request signals.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe, split_header_value

from .. import metrics
from .backends import tracking
from .keys import cache_key
from .versions import (
    CONTENT_VERSION_KEY,
    content_version,
    one_version_per_request,
    page_cache_seconds,
    seconds_to_next_change,
    version_file,
)

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
    return cache_key("page", "gzip" if encoding else "identity", address)


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
    if version_file():
        version, page = content_version(), cache.get(key)
        if page is None or page[0] != version or page[4] <= now:
            return version, None
        return version, page
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
    How long nginx in front (deploy/nginx/newsroom.conf) may keep an answer
    sent at `now`: to the end of this second, so that a change shows through
    the edge within a second. (nginx counts whole seconds: its shortest
    proxy_cache_valid, 1s, keeps a page from one to two seconds.) nginx reads
    X-Accel-Expires before Cache-Control's lifetimes, which are for a CDN and
    browsers, and does not pass it on.
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
        with one_version_per_request():
            return self.respond(environ, start_response)

    def respond(self, environ, start_response):
        if (
            settings.PAGE_CACHE_SECONDS
            and may_use_page_cache(environ)
            and not any(header in environ for header in CONDITIONAL_HEADERS)
        ):
            started = time.perf_counter()
            _version, page = read_page(page_key(environ))
            if page is not None:
                start_response("200 OK", served_headers(page, time.time()))
                metrics.looked_up("page", hits=1)
                metrics.answered(
                    metrics.PAGE_CACHE_HIT, 200, time.perf_counter() - started
                )
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
    scheduled publication. Every response, of any view, says in
    X-Accel-Expires that the edge may keep it to the end of the second.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_version_per_request():
            response = self.respond(request)
        # Every answer, not only the pages kept here: the edge reads
        # Cache-Control, and would otherwise keep a feed or a redirect as
        # long as its max-age says. Set last, after Cache-Control, which
        # nginx reads for stale-while-revalidate only if it comes first.
        if not response.has_header("X-Accel-Expires"):
            response["X-Accel-Expires"] = edge_expiry(time.time())
        return response

    def respond(self, request):
        if not may_use_page_cache(request.META):
            return self.get_response(request)
        request.page_cache_version = None
        if settings.PAGE_CACHE_SECONDS:
            request.page_cache_key = page_key(request.META)
            version, page = read_page(request.page_cache_key)
            if page is not None:
                request.page_cache_hit = True
                metrics.looked_up("page", hits=1)
                response = HttpResponse(page[3])
                for name, value in served_headers(page, time.time()):
                    response[name] = value
                return not_modified(request, response) or response
            request.page_cache_version = version
        response = self.get_response(request)
        if not getattr(request, "page_cacheable", False):
            return response
        if settings.PAGE_CACHE_SECONDS:
            metrics.looked_up("page", misses=1)
        if not storable(response):
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
