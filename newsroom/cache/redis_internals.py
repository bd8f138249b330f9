"""
The private attributes of Django's Redis cache backend that the cache relies
on, all read or written here and nowhere else.

Django documents none of them, so an upgrade may rename or move one. Each is
listed in PRIVATE_ATTRIBUTES, and tests/newsroom/test_redis_internals.py
checks every one on Django's own classes, naming the attribute that moved.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# (class, attribute, what the cache uses it for)
PRIVATE_ATTRIBUTES = (
    (RedisCache, "_class", "the client class a backend builds"),
    (RedisCache, "_servers", "the Redis locations a backend was given"),
    (RedisCache, "_options", "the OPTIONS a backend was given"),
    (RedisCache, "_cache", "the backend's client"),
    (RedisCacheClient, "_serializer", "how the client (un)pickles values"),
    (RedisCacheClient, "_get_connection_pool_index", "which pool a call uses"),
)


def missing_private_attributes():
    """
    The private attributes above that Django's classes no longer have, as
    "Class._name (what for)" strings; empty while all are there. Attributes
    set in __init__ are looked for on an instance built without connecting.
    """
    backend = RedisCache("redis://127.0.0.1:6379", {})
    found = {RedisCache: backend, RedisCacheClient: backend._cache}
    return [
        f"{owner.__name__}.{name} ({purpose})"
        for owner, name, purpose in PRIVATE_ATTRIBUTES
        if not hasattr(found[owner], name)
    ]


def use_client_class(backend, client_class):
    """Make `backend` (a RedisCache) build its client from `client_class`."""
    backend._class = client_class


def first_location(backend):
    """The first Redis location `backend` was configured with."""
    return backend._servers[0]


def options(backend):
    """The OPTIONS `backend` was configured with."""
    return backend._options


def loads(backend, raw):
    """A value read straight from Redis, unpickled as `backend` would."""
    return backend._cache._serializer.loads(raw)


def pool_index(client, write):
    """Which of its connection pools `client` (a RedisCacheClient) uses."""
    return client._get_connection_pool_index(write)
