"""What the tests of cold renders start from."""

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from newsroom.cache.versions import bump_content_version


def forget_everything_kept():
    """
    Every kept page, part and value gone, as after a restart with an empty
    cache: the cache emptied and a new content version, which also drops
    what this process keeps beside the cache for the current version.
    """
    cache.clear()
    bump_content_version()


def empty_local_memory_caches():
    """
    Every configured local-memory cache emptied, not only those this thread
    has opened: a live server's thread keeps its counters and pages in the
    same memory, and a test whose own thread never touched the cache would
    otherwise hand them on (a reader's fourth sign-up in an hour, a 429).
    A Redis cache is left alone: tests that use one give it its own prefix,
    and clearing it would flush a database others may share.
    """
    for alias in caches:
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()
