"""HTTP helpers every app's public pages share."""

from django.conf import settings
from django.utils.cache import patch_cache_control


def is_anonymous(request):
    """
    True for a reader who is not logged in. Without a session cookie the
    session is not even read, so the response does not vary on Cookie.
    """
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        or not request.user.is_authenticated
    )


def cache_for_readers(request, response, max_age=60):
    """
    Let browsers and CDNs keep an anonymous reader's copy of a public page for
    `max_age` seconds; a logged-in user's copy is private.
    """
    if is_anonymous(request):
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True)
    return response
