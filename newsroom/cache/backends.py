"""
The cache backends: Django's RedisCache made to degrade to a miss when
Redis is down or slow, with a circuit breaker, and Redis client tracking of
the content version; and, without Redis, Django's local-memory cache. Both
take keys as they come (AnyKey).

A Redis that is down or hanging must cost readers as little as possible. A
failed or timed-out call is treated as a miss (reads) or a no-op (writes)
(ResilientRedisCache), and it also opens the breaker
(CircuitBreakerRedisCache): for CACHE_BREAKER_SECONDS every cache call in
this process skips Redis at once. Then one call tries Redis again (the
others keep skipping while it does); if it answers, the breaker closes,
otherwise it opens for another period. So a hanging Redis costs a process
at most one time-out per period, not one per cache call.

The breaker is kept per process and per Redis location, shared by the
threads (Django gives each thread its own cache object). Django's private
attributes are reached only through newsroom.cache.redis_internals.
"""

import logging
import threading
import time

import redis
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError, ResponseError

from . import redis_internals

logger = logging.getLogger(__name__)

DEFAULT_BREAKER_SECONDS = 5.0


class AnyKey:
    """
    Mixed into a cache backend: its keys are not checked against memcached's
    rules (at most 250 characters, no space or control character), which
    Django's backends check, a character at a time, on every call, only to
    warn. Neither Redis nor a process's own memory has those limits. A cold
    article page makes some forty cache calls: the checks took 1.5% of its
    instructions.
    """

    def validate_key(self, key):
        pass


class LocMemCache(AnyKey, locmem.LocMemCache):
    """Django's local-memory cache (without Redis), keys as they come."""


class ReusedRedisCacheClient(RedisCacheClient):
    """
    Django's Redis client, except that it builds one redis.Redis per
    connection pool and reuses it, instead of one for every cache call:
    building one (its table of response callbacks) cost more CPU than the
    page cache's whole round trip. redis.Redis is safe to share between
    threads; the connections still come from the pool.
    """

    def get_client(self, key=None, *, write=False):
        clients = self.__dict__.setdefault("reused_clients", {})
        index = redis_internals.pool_index(self, write)
        if index not in clients:
            clients[index] = super().get_client(key, write=write)
        return clients[index]


# The cache's writes, and those of them that name one key first.
WRITES = {"set", "set_many", "add", "delete", "delete_many", "incr", "clear"}
ONE_KEY_WRITES = {"set", "add", "delete", "incr"}


class ResilientRedisCache(AnyKey, RedisCache):
    """
    Django's RedisCache, except that a connection error or time-out is logged
    and treated as a miss (reads) or a no-op (writes), so a cache outage
    slows pages down instead of breaking them. Short socket time-outs are set
    in settings. Subclasses decide, through the three hooks below, whether a
    call may go to Redis at all (CircuitBreakerRedisCache adds a circuit
    breaker that way).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        redis_internals.use_client_class(self, ReusedRedisCacheClient)

    def may_call(self):
        """Whether this call may go to Redis."""
        return True

    def answered(self):
        """Redis answered the call."""

    def failed(self, name, exc):
        """Redis failed or timed out on the call `name`."""
        logger.warning("Cache %s failed, carrying on without: %s", name, exc)

    def changed(self, key=None):
        """
        This process changed `key` (None: perhaps any key): its tracked copy
        of it is read again on the next look, without waiting for Redis's
        notice, which may still be on its way.
        """
        tracking = self.__dict__.get("tracking")
        if tracking is not None and (key is None or key == tracking.key):
            tracking.read_at = 0.0

    def _degrade(name, default=None):
        method = getattr(RedisCache, name)

        def wrapper(self, *args, **kwargs):
            fallback = default() if callable(default) else default
            if not self.may_call():
                return fallback
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                self.failed(name, exc)
                return fallback
            except ValueError:  # incr() of a missing key: Redis did answer
                self.answered()
                raise
            self.answered()
            if name in WRITES:
                self.changed(args[0] if name in ONE_KEY_WRITES and args else None)
            return result

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

    # False once Redis has refused client tracking.
    tracks = True

    def tracked(self):
        """
        This process's copy of values read through Redis client tracking
        (RedisTracking), or None while Redis may not be called. Django gives
        each thread its own cache object, so each thread its own copy.
        """
        if not self.may_call() or not self.tracks:
            return None
        if "tracking" not in self.__dict__:
            configured = redis_internals.options(self)
            options = {
                name: configured[name]
                for name in ("socket_timeout", "socket_connect_timeout")
                if name in configured
            }
            location = redis_internals.first_location(self)
            self.tracking = RedisTracking(self, location, options)
        return self.tracking

    def get(self, key, default=None, version=None):
        if not self.may_call():
            return default
        try:
            value = super().get(key, default, version)
        except (RedisError, OSError) as exc:
            self.failed("get", exc)
            return default
        self.answered()
        return value


class RedisTracking:
    """
    A value read from Redis and kept in this process until Redis says it
    changed, and pages kept beside it that are only good under that value.

    The connection asks Redis to track what it reads (CLIENT TRACKING, RESP3):
    when a key it read changes, is deleted or evicted, or Redis restarts,
    Redis pushes a notice down this connection. Redis writes the notice
    before it answers the change itself, so by the time a change made
    anywhere can have caused another request here, the notice is readable on
    the socket. Checking for one costs a poll of the socket, not a round
    trip. A value is also read again after HOLD_SECONDS in any case.
    """

    HOLD_SECONDS = 1.0
    MAX_PAGES = 500
    TRACKING_ON = ("CLIENT", "TRACKING", "ON")

    def __init__(self, backend, location, options):
        self.backend = backend
        self.pool = redis.ConnectionPool.from_url(location, protocol=3, **options)
        self.connection = None
        self.key = None
        self.value = None
        self.read_at = 0.0
        self.pages = {}

    def current(self, key):
        """The value of `key` (Django's cache key), from Redis when it changed."""
        try:
            if (
                key == self.key
                and self.value is not None
                and time.monotonic() - self.read_at < self.HOLD_SECONDS
                and not self.connection.can_read(timeout=0)
            ):
                return self.value
            self.read(key)
        except ResponseError as exc:
            # A Redis without client tracking (before 6, or CLIENT disabled):
            # the page cache reads the version with each page, as without.
            logger.warning("Redis client tracking refused, not used: %s", exc)
            self.forget()
            self.backend.tracks = False
            return None
        except (RedisError, OSError) as exc:
            self.forget()
            self.backend.failed("tracking", exc)
            return None
        return self.value

    def read(self, key):
        if self.connection is None:
            self.connection = self.pool.make_connection()
            self.connection.connect()
            self.connection.send_command(*self.TRACKING_ON)
            self.connection.read_response()
        # Reading the answer reads (and drops) the notices sent before it.
        self.connection.send_command("GET", self.backend.make_key(key))
        raw = self.connection.read_response()
        value = None if raw is None else redis_internals.loads(self.backend, raw)
        if value != self.value:
            self.pages.clear()
        self.key, self.value, self.read_at = key, value, time.monotonic()

    def forget(self):
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = self.key = self.value = None
        self.pages.clear()

    def page(self, key, version, now):
        page = self.pages.get(key)
        if page is not None and page[0] == version and page[4] > now:
            return page
        return None

    def keep(self, key, page):
        if len(self.pages) >= self.MAX_PAGES:
            del self.pages[next(iter(self.pages))]
        self.pages[key] = page


def tracking():
    """
    This process's RedisTracking of the cache, or None (another backend, or
    Redis may not be called now).
    """
    tracked = getattr(cache, "tracked", None)
    return tracked() if tracked else None


class CircuitBreaker:
    """Open for `seconds` after a failure; one caller at a time probes after."""

    def __init__(self, name, seconds):
        self.name = name
        self.seconds = seconds
        self.open_until = 0.0  # monotonic time; 0 when closed
        self.lock = threading.Lock()

    def allow(self, now=None):
        """True if this call may go to Redis (the breaker is closed, or it probes)."""
        if not self.open_until:
            return True
        now = time.monotonic() if now is None else now
        with self.lock:
            if now < self.open_until:
                return False
            # This caller probes; the others skip until it has an answer.
            self.open_until = now + self.seconds
            return True

    def failed(self, exc, now=None):
        now = time.monotonic() if now is None else now
        with self.lock:
            was_closed = not self.open_until
            self.open_until = now + self.seconds
        if was_closed:
            logger.warning(
                "Cache at %s failed (%s): skipping it for %s s at a time until it "
                "answers.",
                self.name,
                exc,
                self.seconds,
            )

    def succeeded(self):
        if self.open_until:
            with self.lock:
                self.open_until = 0.0
            logger.warning("Cache at %s answers again.", self.name)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, seconds):
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or breaker.seconds != seconds:
            breaker = _breakers[location] = CircuitBreaker(location, seconds)
        return breaker


class CircuitBreakerRedisCache(ResilientRedisCache):
    """
    The resilient Redis cache (a Redis error or time-out reads as a miss,
    writes as nothing) whose failures open the circuit breaker.
    OPTIONS["breaker_seconds"] sets the period (the rest of OPTIONS goes to
    redis-py as usual).
    """

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        seconds = float(
            params["OPTIONS"].pop("breaker_seconds", DEFAULT_BREAKER_SECONDS)
        )
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self.breaker = breaker_for(location, seconds)

    def may_call(self):
        return self.breaker.allow()

    def answered(self):
        self.breaker.succeeded()

    def failed(self, name, exc):
        self.breaker.failed(exc)
