"""Context available to every template."""

from django.conf import settings


def site(request):
    """The paper's name and public address, for the masthead and meta tags."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
