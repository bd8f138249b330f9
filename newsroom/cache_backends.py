"""
The Redis cache backend, with a circuit breaker.

A Redis that is down or hanging must cost readers as little as possible. A
failed or timed-out call is treated as a miss (reads) or a no-op (writes),
as newsroom.cache.ResilientRedisCache does, and it also opens the breaker:
for CACHE_BREAKER_SECONDS every cache call in this process skips Redis at
once. Then one call tries Redis again (the others keep skipping while it
does); if it answers, the breaker closes, otherwise it opens for another
period. So a hanging Redis costs a process at most one time-out per period,
not one per cache call.

The breaker is kept per process and per Redis location, shared by the
threads (Django gives each thread its own cache object).
"""

import logging
import threading
import time

from newsroom.cache import ResilientRedisCache

logger = logging.getLogger(__name__)

DEFAULT_BREAKER_SECONDS = 5.0


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

    def _may_call(self):
        return self.breaker.allow()

    def _answered(self):
        self.breaker.succeeded()

    def _failed(self, name, exc):
        self.breaker.failed(exc)
