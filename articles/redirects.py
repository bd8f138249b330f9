"""
Answering redirects (articles.models.Redirect) before the 404 page.

RedirectMiddleware looks a request's path up only when the paper has no page
there (a 404), so a redirect never hides a page. The answer for a path (a
redirect, 410 Gone, or none) is kept in the cache under the content version
like a page: a warm answer runs no query, a cold one a single query, and any
change to a redirect or an article bumps the version, so it shows at once.

Hits are counted in this process and written in batches (HitCounter), one
F() update per redirect per batch, never one write per request.
"""

import atexit
import functools
import logging
import threading
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver, get_urlconf

from newsroom.cache import cache_key, content_version, fragment_seconds

from .models import Redirect

logger = logging.getLogger(__name__)

NOTHING = "none"  # kept for a path no redirect answers
HITS_FLUSH_SECONDS = 30
HITS_FLUSH_COUNT = 100


class HitCounter:
    """
    Hits counted in memory and written every `seconds` or `count` hits: one
    UPDATE per redirect (hits + n, last hit the latest) per batch, so many
    processes adding at once lose nothing.
    """

    def __init__(self, seconds=HITS_FLUSH_SECONDS, count=HITS_FLUSH_COUNT):
        self.seconds = seconds
        self.count = count
        self.lock = threading.Lock()
        self.pending = {}
        self.total = 0
        self.flushed_at = time.monotonic()

    def hit(self, pk, moment=None):
        moment = moment or datetime.now(UTC)
        with self.lock:
            hits, _ = self.pending.get(pk, (0, None))
            self.pending[pk] = (hits + 1, moment)
            self.total += 1
            due = (
                self.total >= self.count
                or time.monotonic() - self.flushed_at >= self.seconds
            )
        if due:
            self.flush()

    def flush(self):
        with self.lock:
            pending, self.pending = self.pending, {}
            self.total = 0
            self.flushed_at = time.monotonic()
        for pk, (hits, moment) in pending.items():
            # A plain update: counting hits changes nothing readers see, so
            # it must not drop the cached pages as a redirect's change does.
            models.QuerySet.update(
                Redirect.objects.filter(pk=pk),
                hits=F("hits") + hits,
                last_hit_at=Greatest(Coalesce(F("last_hit_at"), moment), moment),
            )


def flush_at_exit():
    if not hit_counter.pending:
        return
    try:
        hit_counter.flush()
    except DatabaseError:
        logger.warning("Redirect hits not written at exit", exc_info=True)


hit_counter = HitCounter()
atexit.register(flush_at_exit)


def answer_for(request, path, query, exact=False):
    """
    What a request for `path` with `query` answers, as kept: (redirect id,
    status, location, body) or NOTHING. One query. With `exact`, only a
    redirect of the path with this very query answers.
    """
    redirect = Redirect.objects.for_request(path, query, exact=exact)
    if redirect is None:
        return NOTHING
    if redirect.status == Redirect.Status.GONE:
        return (
            redirect.pk,
            410,
            None,
            render_to_string("410.html", request=request).encode(),
        )
    if redirect.article_id is not None and not redirect.article.is_published():
        # An article taken down: its old addresses go with it.
        return NOTHING
    return (redirect.pk, redirect.status, redirect.destination(), None)


def answer_key(path, query, exact=False):
    """
    (the content version, the cache key) of the answer for `path` and
    `query`; (None, None) while nothing is kept (FRAGMENT_CACHE_SECONDS 0).
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return None, None
    version = content_version()
    return version, cache_key("redirect", version, path, query, exact)


def kept_answer(request, path, query, exact=False):
    """answer_for(), kept in the cache under the content version like a page."""
    version, key = answer_key(path, query, exact)
    kept = cache.get(key) if key is not None else None
    if kept is None:
        kept = answer_for(request, path, query, exact)
        seconds = fragment_seconds(version) if version is not None else 0
        if seconds:
            cache.set(key, kept, timeout=seconds)
    return kept


# The answers this process has given where a view found nothing (an
# article's old address has the article page's shape), by their key, which
# carries the content version: the next request for a reading page's
# address among them is answered before its view runs, with no query and
# no cache round trip, while every request for a page that is there (nearly
# all of them) goes straight to its view instead of first asking the cache
# whether its address is an old one: that round trip cost a warm article
# with Redis about a tenth of its time. Another process's first request
# for the address runs the view, whose 404 finds the answer kept.
_answered = {}
# Enough for the old addresses still asked for; past it, start again.
ANSWERED_MAX = 1024


def answered_before(path, query):
    """The answer this process gave at `path` under this version, or None."""
    _, key = answer_key(path, query)
    return _answered.get(key) if key is not None else None


def remember_answer(path, query, answer):
    _, key = answer_key(path, query)
    if key is not None:
        if len(_answered) >= ANSWERED_MAX:
            _answered.clear()
        _answered[key] = answer


def respond(kept):
    pk, status, location, body = kept
    if status == 410:
        response = HttpResponse(body, status=410)
    elif status == 301:
        response = HttpResponsePermanentRedirect(location)
    else:
        response = HttpResponseRedirect(location)
    response["Cache-Control"] = "public, max-age=300"
    hit_counter.hit(pk)
    return response


# The longest path view_at() remembers: a longer one (no page of ours has
# one) is resolved each time, so that remembering stays within a few MB
# whatever addresses are asked for.
REMEMBERED_PATH_LENGTH = 512


def view_of(path, resolver):
    """
    view_at(), remembered for a path of at most REMEMBERED_PATH_LENGTH
    characters; a longer one resolved each time.
    """
    if len(path) > REMEMBERED_PATH_LENGTH:
        return view_at.__wrapped__(path, resolver)
    return view_at(path, resolver)


@functools.lru_cache(maxsize=4096)
def view_at(path, resolver):
    """
    The view (its class, for a class-based one) of the URL `path` matches
    in `resolver` (get_resolver(), one per URLconf, made anew when the URL
    caches are cleared), or None: remembered by both, as which view a path
    reaches is a matter of the code alone (the URL patterns and their
    converters read nothing else). Django resolves the path again to call
    the view; resolving an article's address walked every pattern before
    it, and doing it twice took 0.9% of the instructions of a render after
    a change.
    """
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "view_class", match.func)


class RedirectMiddleware:
    """
    Answers a GET or HEAD the paper has no page for with its redirect (see
    the module's docstring): an address no URL names is looked up at once,
    without building the 404 page; one a view answers with 404 (Http404) is
    looked up then, and its answer kept, so that the next request for it
    runs no view. At the site's root, a redirect of an address with a query
    string ("/?p=12") answers before the front page, which ignores queries.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies(request):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        # WordPress's own addresses: /?p=123, /?page_id=4, /?cat=5.
        if (
            query
            and request.path == "/"
            and (exact := kept_answer(request, "/", query, exact=True)) != NOTHING
        ):
            return respond(exact)
        urlconf = getattr(request, "urlconf", None)
        view = view_of(request.path_info, get_resolver(urlconf or get_urlconf()))
        if view is None:
            kept = kept_answer(request, request.path, query)
            return self.get_response(request) if kept == NOTHING else respond(kept)
        if getattr(view, "server_cached", False):
            # A reading page's address answered as an old one: no view, no query.
            kept = answered_before(request.path, query)
            if kept is not None:
                return respond(kept)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self.applies(request):
            query = request.META.get("QUERY_STRING", "")
            kept = kept_answer(request, request.path, query)
            if kept != NOTHING:
                remember_answer(request.path, query, kept)
                return respond(kept)
        return None

    @staticmethod
    def applies(request):
        return request.method in ("GET", "HEAD") and not request.path.startswith(
            ("/admin/", settings.STATIC_URL)
        )
