"""A Redis cache that degrades to a miss when Redis is down or slow."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    """
    Django's RedisCache, except that a connection error or time-out is logged
    and treated as a miss (reads) or a no-op (writes), so a cache outage
    slows pages down instead of breaking them. Short socket time-outs are set
    in settings.
    """

    def _degrade(name, default=None):
        method = getattr(RedisCache, name)

        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                logger.warning("Cache %s failed, carrying on without: %s", name, exc)
                return default() if callable(default) else default

        wrapper.__name__ = name
        wrapper.__doc__ = method.__doc__
        return wrapper

    get_many = _degrade("get_many", dict)
    set = _degrade("set")
    set_many = _degrade("set_many", list)
    add = _degrade("add", False)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    delete_many = _degrade("delete_many")
    has_key = _degrade("has_key", False)
    incr = _degrade("incr")
    clear = _degrade("clear")
    del _degrade

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as exc:
            logger.warning("Cache get failed, carrying on without: %s", exc)
            return default
