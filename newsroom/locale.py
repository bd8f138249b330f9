"""
The time zone and language a request is answered in, made active for it.

The paper has one of each (TIME_ZONE, LANGUAGE_CODE) and never negotiates
them, so without this nothing is ever activated and Django falls back to
the defaults. But every fallback is a failed lookup on a thread-local
(asgiref's Local raises AttributeError, which getattr() then catches), and
a reading page asks many times: each date written (formats.local,
formats.written) asks for the zone and the language, each reverse() for
the language. Measured on the demo's cold section page: about 70 such
lookups at 4-6 µs each, about 1.5 µs once the value is active.
"""

from django.utils import timezone, translation


class ActiveLocaleMiddleware:
    """
    Activates, for the request, the time zone and language that are current
    when it arrives: the paper's defaults, or whatever a caller activated
    around it (a test's override()), so that nothing any page writes
    changes. The zone is restored afterwards as timezone.override()
    restores it; the language stays active, as Django's LocaleMiddleware
    leaves it, which changes nothing: the active default is the default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with (
            timezone.override(timezone.get_current_timezone()),
            translation.override(translation.get_language()),
        ):
            return self.get_response(request)
