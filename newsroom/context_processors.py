"""Context available to every template."""

from django.conf import settings

from newsroom.media_storage import origin


def site(request):
    """
    The paper's name and public address, for the masthead and meta tags, and
    the origin pictures come from when it is not the site's own (a CDN or a
    media host), for the head to connect to before the first picture is
    asked for.
    """
    media_origin = origin(settings.MEDIA_URL)
    if media_origin == origin(settings.SITE_URL):
        media_origin = ""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "MEDIA_ORIGIN": media_origin,
    }
