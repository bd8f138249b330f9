"""The time zone and language a request is answered in (newsroom.locale)."""

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from newsroom.locale import ActiveLocaleMiddleware


def active_zone_and_language(request):
    return HttpResponse(
        f"{timezone.get_current_timezone_name()} {translation.get_language()}"
    )


def answer():
    middleware = ActiveLocaleMiddleware(active_zone_and_language)
    return middleware(RequestFactory().get("/")).content.decode()


def test_a_request_is_answered_in_the_paper_s_time_zone_and_language():
    assert answer() == f"{settings.TIME_ZONE} {settings.LANGUAGE_CODE}"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_a_zone_and_language_made_active_around_a_request_are_kept():
    with timezone.override("UTC"), translation.override("fr"):
        assert answer() == "UTC fr"
        assert timezone.get_current_timezone_name() == "UTC"
        assert translation.get_language() == "fr"


def test_the_middleware_is_installed_after_the_page_cache():
    """A hit from the page cache renders nothing, so it need not run."""
    middleware = settings.MIDDLEWARE
    assert middleware.index("newsroom.locale.ActiveLocaleMiddleware") == (
        middleware.index("newsroom.cache.pages.PageCacheMiddleware") + 1
    )
