"""
Public subscriptions pages, one module per domain: `newsletters` (sign up,
confirm, unsubscribe, manage, the web archive) and `delivery` (the home
delivery request).
"""

from .delivery import delivery_request, delivery_request_done
from .newsletters import (
    check_inbox,
    confirm,
    edition_detail,
    newsletter_detail,
    newsletter_feed,
    newsletter_list,
    newsletter_sign_up,
    preferences,
    unsubscribe,
)

__all__ = [
    "check_inbox",
    "confirm",
    "edition_detail",
    "newsletter_detail",
    "newsletter_feed",
    "delivery_request",
    "delivery_request_done",
    "newsletter_list",
    "newsletter_sign_up",
    "preferences",
    "unsubscribe",
]
