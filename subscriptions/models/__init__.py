"""
The subscriptions app's models, one module per domain: `newsletters` (what
readers sign up to, their subscriptions, editions and their sends) and
`delivery` (home delivery areas, requests and their history).
"""

from .delivery import (
    WEEKDAY_ORDER,
    DeliveryArea,
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRoutingKey,
    Weekday,
)
from .newsletters import (
    WEEKDAYS,
    Edition,
    EditionArticle,
    EditionSend,
    Newsletter,
    Subscription,
    WeekdaysField,
    email_from_preferences_token,
    normalise_email,
    preferences_token,
    preferences_url,
    validate_time_zone,
    validate_weekdays,
)

__all__ = [
    "WEEKDAYS",
    "WEEKDAY_ORDER",
    "DeliveryArea",
    "DeliveryRequest",
    "DeliveryRequestEvent",
    "DeliveryRoutingKey",
    "Edition",
    "EditionArticle",
    "EditionSend",
    "Newsletter",
    "Subscription",
    "Weekday",
    "WeekdaysField",
    "email_from_preferences_token",
    "normalise_email",
    "preferences_token",
    "preferences_url",
    "validate_time_zone",
    "validate_weekdays",
]
