"""
The subscriptions app's models, one module per domain: `newsletters` (what
readers sign up to, their subscriptions, editions and their sends),
`delivery` (home delivery areas, requests, their history and consent),
`outbound` (the outbox of the emails both owe readers) and `personal_data`
(the suppression list and the record of readers' data requests), which the
others share. Newsletters and delivery keep days of the week as `weekdays`
does, and their consent ledgers on `consent`'s `ConsentRecord`.
"""

from .delivery import (
    DeliveryArea,
    DeliveryConsent,
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRoutingKey,
)
from .editions import Edition, EditionArticle, EditionSend
from .history import WeekdaysField, validate_weekdays
from .newsletters import (
    ConsentEvent,
    Newsletter,
    Subscription,
    email_from_preferences_token,
    preferences_url,
    validate_time_zone,
)
from .outbound import OutboundEmail
from .personal_data import (
    PersonalDataRequest,
    Suppression,
    address_hash,
    is_suppressed,
)
from .weekdays import WEEKDAY_ORDER, DaysOfWeekField, Weekday

__all__ = [
    "WEEKDAY_ORDER",
    "ConsentEvent",
    "DaysOfWeekField",
    "DeliveryArea",
    "DeliveryConsent",
    "DeliveryRequest",
    "DeliveryRequestEvent",
    "DeliveryRoutingKey",
    "Edition",
    "EditionArticle",
    "EditionSend",
    "Newsletter",
    "OutboundEmail",
    "PersonalDataRequest",
    "Subscription",
    "Suppression",
    "Weekday",
    # Named by migration 0001 only.
    "WeekdaysField",
    "address_hash",
    "email_from_preferences_token",
    "is_suppressed",
    "preferences_url",
    "validate_time_zone",
    "validate_weekdays",
]
