"""
Subscriptions' public forms, one module per domain: `newsletters` (sign-up,
preferences) and `delivery` (the home delivery request). Their consent
wordings are in `subscriptions.consent`.
"""

from .delivery import COUNTIES, DeliveryRequestForm
from .newsletters import PreferencesForm, SignUpForm, sign_up_forms

__all__ = [
    "COUNTIES",
    "DeliveryRequestForm",
    "PreferencesForm",
    "SignUpForm",
    "sign_up_forms",
]
