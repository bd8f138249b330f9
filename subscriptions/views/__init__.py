"""
Public subscriptions pages, one module per domain: `newsletters` (sign up,
confirm, unsubscribe, manage) and `delivery` (the home delivery request).
"""

from .delivery import delivery_request, delivery_request_done
from .newsletters import (
    check_inbox,
    confirm,
    newsletter_list,
    newsletter_sign_up,
    preferences,
    unsubscribe,
)

__all__ = [
    "check_inbox",
    "confirm",
    "delivery_request",
    "delivery_request_done",
    "newsletter_list",
    "newsletter_sign_up",
    "preferences",
    "unsubscribe",
]
