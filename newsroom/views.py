"""
Site-wide views: health checks for load balancers and orchestrators, the
paper's icon at /favicon.ico, and the page readers get when the database
cannot be reached.
"""

import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

# Seconds a reader is asked to wait before trying again when the database is
# unreachable (the Retry-After of the branded 503 page).
RETRY_AFTER_SECONDS = 30


@require_safe
def favicon(request):
    """
    The paper's icon for browsers on pages that name none (the admin's) and
    for crawlers that ask for /favicon.ico anyway: without this they get a
    404, after a section lookup in the database.
    """
    response = HttpResponsePermanentRedirect(static("newsroom/favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


@never_cache
@require_safe
def live(request):
    """The process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    """
    Ready to serve: PostgreSQL answers (within DATABASE_CONNECT_TIMEOUT when
    it must connect). Redis is reported but not required: pages work without
    it. 200 when ready, 503 when not.
    """
    checks = {"database": _check_database(), "cache": _check_cache()}
    ready = checks["database"]["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _timed(check):
    started = time.perf_counter()
    try:
        status = check()
    except Exception as exc:  # the check's failure is its answer
        status = f"unavailable: {exc.__class__.__name__}"
    return {
        "status": status,
        "milliseconds": round((time.perf_counter() - started) * 1000, 1),
    }


def _check_database():
    def check():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            # Drop the broken connection so the next request opens a new one.
            connection.close_if_unusable_or_obsolete()
            raise
        return "ok"

    return _timed(check)


def _check_cache():
    def check():
        key = "healthz:ready"
        cache.set(key, "ok", timeout=10)
        return "ok" if cache.get(key) == "ok" else "unavailable"

    return _timed(check)


def server_error(request, template_name="500.html"):
    """
    The 500 handler. When the database cannot be reached, readers get the
    branded "back soon" page with 503 and Retry-After instead: the outage is
    temporary, and crawlers and CDNs should come back rather than forget the
    page.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        page = loader.render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return django_server_error(request, template_name)
