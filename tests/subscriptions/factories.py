"""Factories for newsletter test data: each makes one valid object."""

import itertools
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from subscriptions.forms import CONSENT_WORDINGS, CURRENT_CONSENT_VERSION
from subscriptions.models import Newsletter, Subscription

_counter = itertools.count(1)


def make_newsletter(**kwargs):
    n = next(_counter)
    kwargs.setdefault("name", f"Briefing {n}")
    kwargs.setdefault("slug", f"briefing-{n}")
    kwargs.setdefault("pitch", "The day's news in five minutes")
    kwargs.setdefault("rhythm", "Delivered at 1pm each day")
    kwargs.setdefault("send_time", time(13, 0))
    kwargs.setdefault("time_zone", "Europe/Dublin")
    kwargs.setdefault("minimum_articles", 1)
    return Newsletter.objects.create(**kwargs)


def make_due_newsletter(**kwargs):
    """A daily newsletter whose regular time was a minute ago."""
    zone = kwargs.setdefault("time_zone", "Europe/Dublin")
    moment = timezone.now().astimezone(ZoneInfo(zone)) - timedelta(minutes=1)
    kwargs.setdefault("send_time", moment.time().replace(second=0, microsecond=0))
    return make_newsletter(**kwargs)


def make_subscription(**kwargs):
    """A confirmed subscription unless a status is given."""
    n = next(_counter)
    kwargs.setdefault("email", f"reader{n}@example.com")
    if "newsletter" not in kwargs:
        kwargs["newsletter"] = make_newsletter()
    kwargs.setdefault("status", Subscription.Status.CONFIRMED)
    kwargs.setdefault("consent_text", CONSENT_WORDINGS[CURRENT_CONSENT_VERSION])
    kwargs.setdefault("consent_version", CURRENT_CONSENT_VERSION)
    kwargs.setdefault("consent_source", "/news/an-article/")
    if kwargs["status"] == Subscription.Status.CONFIRMED:
        kwargs.setdefault("confirmed_at", timezone.now())
    return Subscription.objects.create(**kwargs)


def sign_up_data(newsletter, email="reader@example.com", **overrides):
    """What the sign-up form posts."""
    data = {
        "email": email,
        "newsletter": newsletter.slug,
        "consent": "on",
        "consent_version": CURRENT_CONSENT_VERSION,
        "source": "/news/council-approves-harbour-plan/",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
