"""
Migration 0010 starts each existing delivery request's consent ledger from
the times it already records, with the wording the form showed then.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.subscriptions.factories import make_migrated_delivery_request

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("subscriptions", "0009_newsletter_section")
AFTER = ("subscriptions", "0010_personal_data")


def test_existing_requests_get_their_terms_and_marketing_consent(migrate):
    old = migrate(BEFORE)
    DeliveryRequest = old.get_model("subscriptions", "DeliveryRequest")
    accepted = timezone.now() - timedelta(days=3)
    for reference, marketing in (("HD-AAAAAA", accepted), ("HD-BBBBBB", None)):
        make_migrated_delivery_request(
            DeliveryRequest,
            reference=reference,
            terms_accepted_at=accepted,
            marketing_consent_at=marketing,
        )

    new = migrate(AFTER)

    DeliveryConsent = new.get_model("subscriptions", "DeliveryConsent")
    rows = set(
        DeliveryConsent.objects.values_list(
            "request__reference", "kind", "wording_version", "at"
        )
    )
    assert rows == {
        ("HD-AAAAAA", "terms", "2026-11", accepted),
        ("HD-AAAAAA", "marketing", "2026-11", accepted),
        ("HD-BBBBBB", "terms", "2026-11", accepted),
    }
    wording = DeliveryConsent.objects.filter(kind="terms").first().wording
    assert wording.startswith("I agree to the terms of home delivery")
