"""What the tests of cold renders start from."""

from django.core.cache import cache

from newsroom.cache.versions import bump_content_version
from subscriptions.templatetags.subscriptions import forget_built_offers


def forget_everything_kept():
    """
    Every kept page, part and value gone, as after a restart with an empty
    cache: the cache emptied and a new content version, which also drops
    what this process keeps beside the cache for the current version, and
    the newsletter offers it has built (kept by what they show, not by
    version).
    """
    cache.clear()
    bump_content_version()
    forget_built_offers()
