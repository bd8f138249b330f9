"""
The delivery form's consent is a ledger, as newsletters' is: the terms, and
offers by email when ticked, each with the wording shown, its version, the
page and the time.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from subscriptions.consent import CURRENT, DELIVERY_MARKETING, DELIVERY_TERMS, wording
from subscriptions.models import DeliveryConsent, DeliveryRequest
from tests.factories import make_staff

from .factories import delivery_form_data, make_delivery_area

pytestmark = pytest.mark.django_db

WORDINGS = {
    "terms": wording(DELIVERY_TERMS).text,
    "marketing": wording(DELIVERY_MARKETING).text,
}
CURRENT_CONSENT_VERSION = CURRENT[DELIVERY_TERMS]


@pytest.fixture(autouse=True)
def _area():
    make_delivery_area(routing_keys=["A65"])


def ledger():
    return list(
        DeliveryConsent.objects.values_list(
            "kind", "wording", "wording_version", "source"
        )
    )


def test_terms_are_recorded_with_wording_version_page_and_time(client):
    before = timezone.now()
    client.post("/delivery/", delivery_form_data())

    assert ledger() == [
        ("terms", WORDINGS["terms"], CURRENT_CONSENT_VERSION, "/delivery/")
    ]
    consent = DeliveryConsent.objects.get()
    request = DeliveryRequest.objects.get()
    assert consent.request == request
    assert before <= consent.at == request.terms_accepted_at <= timezone.now()


def test_marketing_consent_is_recorded_only_when_ticked(client):
    client.post("/delivery/", delivery_form_data(marketing="on"))

    assert sorted(ledger()) == sorted(
        [
            ("terms", WORDINGS["terms"], CURRENT_CONSENT_VERSION, "/delivery/"),
            ("marketing", WORDINGS["marketing"], CURRENT_CONSENT_VERSION, "/delivery/"),
        ]
    )
    request = DeliveryRequest.objects.get()
    assert request.consents.get(kind="marketing").at == request.marketing_consent_at


def test_the_form_shows_the_wording_it_records(client):
    page = client.get("/delivery/").text

    assert WORDINGS["terms"] in page
    assert WORDINGS["marketing"] in page
    assert f'name="consent_version" value="{CURRENT_CONSENT_VERSION}"' in page


def test_an_unknown_wording_version_asks_again_and_keeps_what_was_typed(client):
    response = client.post(
        "/delivery/",
        delivery_form_data(name="Áine Typed", consent_version="1999-01"),
    )

    assert response.status_code == 200
    assert "The wording beside the boxes has changed" in response.text
    assert 'value="Áine Typed"' in response.text
    assert f'name="consent_version" value="{CURRENT_CONSENT_VERSION}"' in (
        response.text
    )
    assert not DeliveryRequest.objects.exists()
    assert not DeliveryConsent.objects.exists()


def test_a_form_from_before_versions_were_sent_records_the_first_wording(client):
    client.post("/delivery/", delivery_form_data(consent_version=None))

    assert ledger()[0][2] == "2026-11"


def test_the_delivery_consent_ledger_is_append_only(client):
    client.post("/delivery/", delivery_form_data())
    consent = DeliveryConsent.objects.get()

    with pytest.raises(TypeError):
        DeliveryConsent.objects.update(wording="Something else")
    consent.wording = "Something else"
    with pytest.raises(TypeError):
        consent.save()
    assert DeliveryConsent.objects.get().wording == WORDINGS["terms"]


def test_consent_times_survive_anonymisation(apply_retention, client):
    """The ledger holds no personal data: a request anonymised keeps it."""
    client.post("/delivery/", delivery_form_data(marketing="on"))
    DeliveryRequest.objects.update(
        status="cancelled", closed_at=timezone.now() - timedelta(days=400)
    )

    apply_retention()

    assert DeliveryRequest.objects.get().anonymised_at is not None
    assert len(ledger()) == 2


def test_the_desk_sees_the_consent_given_on_the_request(client):
    client.post("/delivery/", delivery_form_data(marketing="on"))
    request = DeliveryRequest.objects.get()
    client.force_login(make_staff("desk", groups=["Circulation"]))

    page = client.get(f"/admin/subscriptions/deliveryrequest/{request.pk}/change/")

    assert (
        f"“{WORDINGS['terms']}” (version {CURRENT_CONSENT_VERSION}, on /delivery/"
        in (page.text)
    )
    assert "Offers and news by email" in page.text
