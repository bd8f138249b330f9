"""
How the settings read the environment: every deployment difference is an
environment variable (newsroom/settings.py), read by these, and a value
that cannot be read stops the start with one line naming the variable.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    """Return the environment variable `name`, or `default` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}."
        ) from None


def env_list(name, default=()):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def rate(name, default):
    """A rate limit from `name` as "requests/seconds", e.g. "10/600"."""
    value = env(name, default)
    try:
        requests, seconds = (int(part) for part in value.split("/"))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be requests/seconds such as 10/600, not {value!r}."
        ) from None
    return requests, seconds
