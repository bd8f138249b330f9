"""
Rate limits: sliding-window counters in the shared cache.

Each limit counts requests per fixed window of its length, and judges a
request by the current window's count plus the previous window's, weighted by
how much of it still lies within the last `seconds`. Plain fixed windows let
twice the limit through in a burst that straddles a boundary; this estimate
does not, at the cost of one more cache read.

A limit is a name in settings.RATE_LIMITS mapped to (requests, seconds). A
view asks `rate_limit_exceeded(name, key)` with the thing being counted (the
client's address, an email address) and answers a friendly 429 when it is
over. When the cache cannot count (Redis down, or skipped by its circuit
breaker), the request is let through and a warning is logged: a cache outage
must not stop readers signing up.

Why not django-ratelimit: its last release (4.1, 2023) declares no Django 6
support, and its decorator answers an over-limit request before the view can
re-show the form with what the reader typed.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request):
    """
    The address of the client: REMOTE_ADDR, or behind a trusted proxy
    (DJANGO_BEHIND_PROXY) the last address the proxy added to
    X-Forwarded-For. Earlier entries are whatever the client sent, so they
    are never trusted.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


class Exceeded:
    """An over-limit answer: which limit, and seconds until it resets."""

    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = retry_after

    @property
    def minutes(self):
        return max(1, math.ceil(self.retry_after / 60))


def rate_limit_exceeded(name, key, now=None):
    """
    Count one request for `key` under the limit `name`. Returns None while
    within the limit (or when the cache cannot count), an Exceeded once over.
    """
    requests, seconds = settings.RATE_LIMITS[name]
    now = time.time() if now is None else now
    window, elapsed = divmod(now, seconds)
    window = int(window)
    digest = hashlib.sha256(str(key).encode("utf-8", "surrogatepass")).hexdigest()
    prefix = f"ratelimit:{name}:{digest[:32]}:"
    count = _increment(f"{prefix}{window}", seconds)
    if count is None:
        logger.warning(
            "Rate limit %s not applied: the cache could not count requests.", name
        )
        return None
    previous = _read(f"{prefix}{window - 1}")
    if previous * (1 - elapsed / seconds) + count > requests:
        # Allowed again once this window's count, ageing through the next
        # window, leaves room for one more request.
        ageing = seconds * min(1.0, max(0.0, 1 - (requests - 1) / count))
        return Exceeded(name, retry_after=int(seconds - elapsed + ageing) + 1)
    return None


def _read(key):
    try:
        return cache.get(key, 0)
    except Exception:  # a counter that cannot be read counts nothing
        logger.exception("Rate limit counter %s could not be read.", key)
        return 0


def _increment(key, seconds):
    try:
        # Kept for two windows: the next one weighs this one's count.
        cache.add(key, 0, timeout=2 * seconds + 1)
        return cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr(), or the cache lost it.
        return None
    except Exception:  # any cache backend's failure means "cannot count"
        logger.exception("Rate limit counter %s failed.", key)
        return None


def over_limit_response(response, exceeded):
    """Mark a rendered page as the 429 of `exceeded`."""
    response.status_code = 429
    response["Retry-After"] = str(exceeded.retry_after)
    return response
