"""What the tests of cold renders start from."""

from django.core.cache import cache

from newsroom.cache.versions import bump_content_version


def forget_everything_kept():
    """
    Every kept page, part and value gone, as after a restart with an empty
    cache: the cache emptied and a new content version, which also drops
    what this process keeps beside the cache for the current version.
    """
    cache.clear()
    bump_content_version()
