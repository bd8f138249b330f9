"""Factories for newsletter test data: each makes one valid object."""

import itertools
import uuid
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from subscriptions.consent import CURRENT, DELIVERY_TERMS, NEWSLETTER_SIGN_UP, wording
from subscriptions.delivery import delivery_earliest_start, delivery_reference_new
from subscriptions.models import (
    DeliveryArea,
    DeliveryRequest,
    DeliveryRoutingKey,
    Newsletter,
    Subscription,
)

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
    kwargs.setdefault("consent_text", wording(NEWSLETTER_SIGN_UP).text)
    kwargs.setdefault("consent_version", CURRENT[NEWSLETTER_SIGN_UP])
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
        "consent_version": CURRENT[NEWSLETTER_SIGN_UP],
        "source": "/news/council-approves-harbour-plan/",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


_counter = itertools.count(1)


def make_delivery_area(*, routing_keys=("A65",), **kwargs):
    n = next(_counter)
    kwargs.setdefault("name", f"Area {n}")
    kwargs.setdefault("newsagent", f"Newsagent {n}")
    area = DeliveryArea.objects.create(**kwargs)
    for key in routing_keys:
        DeliveryRoutingKey.objects.create(area=area, key=key)
    return area


def make_delivery_request(**kwargs):
    """A new, in-area request as the form would save it."""
    n = next(_counter)
    kwargs.setdefault("reference", delivery_reference_new())
    kwargs.setdefault("idempotency_key", uuid.uuid4())
    kwargs.setdefault("name", f"Reader Number{n}")
    kwargs.setdefault("email", f"reader{n}@example.ie")
    kwargs.setdefault("phone", "+353871234567")
    kwargs.setdefault("address_line_1", f"{n} Main Street")
    kwargs.setdefault("town", "Ennis")
    kwargs.setdefault("county", "Clare")
    kwargs.setdefault("eircode", "A65 F4E2")
    kwargs.setdefault("routing_key", kwargs["eircode"][:3])
    kwargs.setdefault("delivery_days", ["mon", "sat"])
    kwargs.setdefault("start_date", delivery_earliest_start())
    kwargs.setdefault("terms_accepted_at", timezone.now())
    return DeliveryRequest.objects.create(**kwargs)


def delivery_form_data(**overrides):
    """A valid POST for the delivery request form."""
    data = {
        "name": "Máire Ní Bhriain",
        "email": "maire@example.ie",
        "phone": "087 123 4567",
        "address_line_1": "12 Church Street",
        "address_line_2": "",
        "town": "Athlone",
        "county": "Westmeath",
        "eircode": "a65f4e2",
        "delivery_days": ["mon", "sat"],
        "start_date": (delivery_earliest_start() + timedelta(days=2)).isoformat(),
        "leave_at": "In the porch",
        "notes": "Beware of the dog.",
        "terms": "on",
        "consent_version": CURRENT[DELIVERY_TERMS],
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_migrated_delivery_request(DeliveryRequest, **fields):
    """
    A delivery request written through `DeliveryRequest` as an older
    migration state defines it (migration tests), with a reader's usual
    details; `fields` adds to or overrides them.
    """
    details = {
        "idempotency_key": uuid.uuid4(),
        "name": "A Reader",
        "email": "reader@example.ie",
        "phone": "+353871234567",
        "address_line_1": "1 Main Street",
        "town": "Ennis",
        "county": "Clare",
        "eircode": "A65 F4E2",
        "routing_key": "A65",
        "delivery_days": ["mon"],
        "start_date": date(2026, 12, 1),
    }
    return DeliveryRequest.objects.create(**{**details, **fields})
