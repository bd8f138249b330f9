"""
The words readers agree to, for newsletters and home delivery alike: each
wording has a key (which box it stands beside), a version and its text.
Forms show the text from here and send the version with the form; the
consent ledgers (`models.consent.ConsentRecord`) record key, version and text.

A version is never edited or removed once live: a cached page or a form
opened before a change may still send it, and the ledgers name it. To change
a wording, add a new version and make it current. The boxes of one form
(the delivery form's terms and offers) move to a new version together,
since the form sends one version for both.
"""

from typing import NamedTuple

NEWSLETTER_SIGN_UP = "newsletter_sign_up"
NEWSLETTER_PREFERENCES = "newsletter_preferences"
DELIVERY_TERMS = "delivery_terms"
DELIVERY_MARKETING = "delivery_marketing"


class Wording(NamedTuple):
    key: str
    version: str
    text: str


WORDINGS = [
    Wording(
        NEWSLETTER_SIGN_UP,
        "2026-11",
        "Yes, email me this newsletter. I can unsubscribe at any time with the "
        "link in every email.",
    ),
    # Named "preferences-…" from the days when one table of versions served
    # both newsletter wordings; subscriptions and the ledger hold that name.
    Wording(
        NEWSLETTER_PREFERENCES,
        "preferences-2026-11",
        "Newsletters ticked on the preferences page are sent to this address.",
    ),
    Wording(
        DELIVERY_TERMS,
        "2026-11",
        "I agree to the terms of home delivery and to the paper keeping these "
        "details to arrange it.",
    ),
    Wording(
        DELIVERY_MARKETING,
        "2026-11",
        "Tell me about offers and news from the paper by email (optional).",
    ),
]

# The version each form shows today.
CURRENT = {
    NEWSLETTER_SIGN_UP: "2026-11",
    NEWSLETTER_PREFERENCES: "preferences-2026-11",
    DELIVERY_TERMS: "2026-11",
    DELIVERY_MARKETING: "2026-11",
}

_BY_KEY_AND_VERSION = {(w.key, w.version): w for w in WORDINGS}


def wording(key, version=None):
    """The wording `key` in `version` (the current one if None); KeyError if none."""
    return _BY_KEY_AND_VERSION[key, CURRENT[key] if version is None else version]


def is_live(key, version):
    """Whether a form may send `version` of wording `key`."""
    return (key, version) in _BY_KEY_AND_VERSION
