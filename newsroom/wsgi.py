"""
WSGI entry point for the Newsroom project: Django, with page-cache hits
answered in front of it (newsroom.cache.pages.PageCacheWSGIHandler).

The project's templates are compiled and the URLs resolved once here, before
gunicorn forks its workers (preload_app): a new worker, and one that
replaces a worker after max_requests, then answers its first requests as
fast as its later ones (about 100 ms sooner).
"""

import logging
import os
from pathlib import Path

import django

from newsroom.cache.digest import code_digest, project_code_folders
from newsroom.cache.pages import PageCacheWSGIHandler

logger = logging.getLogger(__name__)


def warm_up():
    """
    Compile every template of the project's own (kept by the cached
    template loader), build the URL resolver and the code digest. Touches
    no database or cache, so nothing is shared across a fork.
    """
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import reverse

    engine = engines["django"]
    compiled = 0
    for folder in project_code_folders():
        roots = [folder] if folder.name == "templates" else [folder / "templates"]
        for root in roots:
            for path in sorted(Path(root).rglob("*.html")):
                try:
                    engine.get_template(str(path.relative_to(root)))
                except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
                    logger.warning("Template %s not compiled: %s", path, exc)
                else:
                    compiled += 1
    reverse("articles:home")
    code_digest()
    return compiled


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup(set_prefix=False)
application = PageCacheWSGIHandler()
warm_up()
