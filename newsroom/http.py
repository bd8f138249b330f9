"""HTTP helpers every app's public pages share."""

from django.conf import settings
from django.utils.cache import patch_cache_control

# How long a shared cache may serve a page while the site cannot answer.
STALE_IF_ERROR_SECONDS = 24 * 3600


def is_anonymous(request):
    """
    True for a reader who is not logged in. Without a session cookie the
    session is not even read, so the response does not vary on Cookie.
    """
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        or not request.user.is_authenticated
    )


def cache_for_readers(request, response, max_age=None):
    """
    Let browsers keep an anonymous reader's copy of a public page for
    `max_age` seconds (HTTP_MAX_AGE by default) and a CDN for
    CDN_CACHE_SECONDS (the edge goes by X-Accel-Expires instead), shared
    caches serving it stale for CDN_STALE_SECONDS while they fetch a new one
    (the edge too: keep it a second or two), or for a day while the site is
    down. A logged-in user's copy is never stored.
    newsroom.cache.PageCacheMiddleware shortens these lifetimes to end at the
    next scheduled publication.
    """
    if is_anonymous(request):
        patch_cache_control(
            response,
            public=True,
            max_age=settings.HTTP_MAX_AGE if max_age is None else max_age,
            s_maxage=settings.CDN_CACHE_SECONDS,
            stale_while_revalidate=settings.CDN_STALE_SECONDS,
            stale_if_error=STALE_IF_ERROR_SECONDS,
        )
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
