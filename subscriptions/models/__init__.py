"""
The subscriptions app's models, one module per domain: `newsletters` (what
readers sign up to, their subscriptions, editions and their sends),
`delivery` (home delivery areas, requests and their history), and `outbound`
(the outbox of the emails both owe readers). The first two keep days of the
week as `weekdays` does.
"""

from .delivery import (
    DeliveryArea,
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRoutingKey,
)
from .history import WeekdaysField, validate_weekdays
from .newsletters import (
    ConsentEvent,
    Edition,
    EditionArticle,
    EditionSend,
    Newsletter,
    Subscription,
    email_from_preferences_token,
    normalise_email,
    preferences_url,
    validate_time_zone,
)
from .outbound import OutboundEmail
from .weekdays import WEEKDAY_ORDER, DaysOfWeekField, Weekday

__all__ = [
    "WEEKDAY_ORDER",
    "ConsentEvent",
    "DaysOfWeekField",
    "DeliveryArea",
    "DeliveryRequest",
    "DeliveryRequestEvent",
    "DeliveryRoutingKey",
    "Edition",
    "EditionArticle",
    "EditionSend",
    "Newsletter",
    "OutboundEmail",
    "Subscription",
    "Weekday",
    # Named by migration 0001 only.
    "WeekdaysField",
    "email_from_preferences_token",
    "normalise_email",
    "preferences_url",
    "validate_time_zone",
    "validate_weekdays",
]
