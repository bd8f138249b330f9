"""
WSGI entry point for the Newsroom project: Django, with page-cache hits
answered in front of it (newsroom.cache.PageCacheWSGIHandler).
"""

import os

import django

from newsroom.cache import PageCacheWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup(set_prefix=False)
application = PageCacheWSGIHandler()
