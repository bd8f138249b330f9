"""
The framework's floor for benchmarks/serving.py: Django returning fixed bytes
(BARE_HTML names the file) with no middleware, database or template.

    BARE_HTML=page.html gunicorn -c gunicorn.conf.py benchmarks.bare_django:application
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="benchmark-only-not-secret",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

HTML = Path(os.environ["BARE_HTML"]).read_bytes()


def page(request, rest=""):
    return HttpResponse(HTML, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page), path("<path:rest>", page)]
application = get_wsgi_application()
