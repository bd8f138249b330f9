"""
Subscriptions' public forms, one module per domain: `newsletters` (sign-up,
preferences, consent wordings) and `delivery` (the home delivery request).
"""

from .delivery import COUNTIES, DeliveryRequestForm
from .newsletters import (
    CONSENT_WORDINGS,
    CURRENT_CONSENT_VERSION,
    PREFERENCES_CONSENT_VERSION,
    PreferencesForm,
    SignUpForm,
    sign_up_forms,
)

__all__ = [
    "CONSENT_WORDINGS",
    "COUNTIES",
    "CURRENT_CONSENT_VERSION",
    "PREFERENCES_CONSENT_VERSION",
    "DeliveryRequestForm",
    "PreferencesForm",
    "SignUpForm",
    "sign_up_forms",
]
