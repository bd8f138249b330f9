"""
The cache of the public reading pages, by concern:

- keys: the one function that builds every cache key (cache_key);
- digest: the digest of the project's code, part of every kept render's key;
- backends: the Redis backends (a miss when Redis is down, the circuit
  breaker, client tracking), with Django's private attributes reached only
  through redis_internals, and the local-memory one used without Redis;
- versions: the content version, values kept under it (content_cached),
  scheduled changes (page_cache_schedule) and lifetimes;
- readers: what readers see (ReaderVisible models and querysets), whose
  changes bump the content version;
- fragments: parts of pages kept rendered ({% fragment %}, Fragments);
- plain: rendered text made plain text for keeping (plain());
- pages: whole pages (PageCacheMiddleware, PageCacheWSGIHandler, page keys,
  conditional GET).

What the apps use is importable from here.
"""

from .fragments import Fragments
from .keys import cache_key
from .plain import plain
from .readers import ReaderVisible, ReaderVisibleQuerySet
from .versions import (
    bump_content_version,
    content_cached,
    content_version,
    fragment_seconds,
    page_cache_schedule,
)

__all__ = [
    "Fragments",
    "ReaderVisible",
    "ReaderVisibleQuerySet",
    "bump_content_version",
    "cache_key",
    "content_cached",
    "content_version",
    "fragment_seconds",
    "page_cache_schedule",
    "plain",
]
