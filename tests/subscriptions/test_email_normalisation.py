"""
Every stored address has one form, trimmed and in lower case
(newsroom.email_addresses.normalise_email): delivery requests' too, and the
rows saved before that rule are normalised by migration 0012.
"""

import importlib

import pytest
from django.apps import apps

from newsroom.email_addresses import normalise_email
from subscriptions import personal_data
from subscriptions.models import DeliveryRequest
from tests.subscriptions.factories import make_delivery_request

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "subscriptions.migrations.0012_delivery_request_email_normalised"
)


def test_an_address_is_trimmed_and_lower_cased():
    """Surrounding spaces go and every letter is lower case."""
    assert normalise_email(" Jane.Doe@Example.IE ") == "jane.doe@example.ie"
    assert normalise_email(None) == ""


def test_a_delivery_request_stores_its_address_normalised():
    """A request saved with `Jane.Doe@Example.IE ` stores `jane.doe@example.ie`."""
    request = make_delivery_request(email="Jane.Doe@Example.IE ")

    request.refresh_from_db()
    assert request.email == "jane.doe@example.ie"


def test_the_migration_normalises_delivery_addresses_saved_as_typed():
    """Rows written before the rule (as typed) are normalised; others are kept."""
    typed = make_delivery_request()
    clean = make_delivery_request(email="already@example.ie")
    DeliveryRequest.objects.filter(pk=typed.pk).update(email=" Jane.Doe@Example.IE ")

    MIGRATION.normalise_delivery_emails(apps, None)

    assert DeliveryRequest.objects.get(pk=typed.pk).email == "jane.doe@example.ie"
    assert DeliveryRequest.objects.get(pk=clean.pk).email == "already@example.ie"


def test_personal_data_finds_delivery_requests_by_the_normalised_column():
    """An export typed in any case finds the request stored in lower case."""
    request = make_delivery_request(email="Jane.Doe@Example.IE")

    found = personal_data._delivery_requests(
        personal_data.personal_data_address(" JANE.doe@example.ie")
    )

    assert list(found) == [request]
