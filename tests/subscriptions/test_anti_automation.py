"""
Anti-automation on the public forms: a honeypot that answers as if all went
well while storing and sending nothing; disposable-mail domains refused at
sign-up; and addresses without a public domain refused by both forms.
"""

import pytest
from django.core import mail

from subscriptions.models import DeliveryRequest, Subscription
from tests.subscriptions.factories import (
    delivery_form_data,
    make_delivery_area,
    make_newsletter,
    sign_up_data,
)

pytestmark = pytest.mark.django_db

SIGN_UP = "/newsletters/sign-up/"
DELIVERY = "/delivery/"


def test_a_filled_honeypot_on_sign_up_answers_as_success_and_does_nothing(
    client, django_capture_on_commit_callbacks
):
    newsletter = make_newsletter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGN_UP, sign_up_data(newsletter, website="https://spam.example.net/")
        )
    human = client.post(SIGN_UP, sign_up_data(newsletter, email="human@example.ie"))
    assert response.status_code == 302
    assert response["Location"] == human["Location"]
    assert list(Subscription.objects.values_list("email", flat=True)) == [
        "human@example.ie"
    ]
    assert mail.outbox == []


def test_a_filled_honeypot_on_the_delivery_form_shows_a_receipt_and_saves_nothing(
    client, django_capture_on_commit_callbacks
):
    make_delivery_area(routing_keys=["A65"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELIVERY, delivery_form_data(website="cheap pills"))
    assert response.status_code == 200
    assert "Thank you, we have your request" in response.text
    assert "HD-" in response.text
    assert DeliveryRequest.objects.count() == 0
    assert mail.outbox == []


def test_the_honeypot_is_on_the_page_but_hidden_from_people(client):
    newsletter = make_newsletter()
    for url in (DELIVERY, f"/newsletters/?n={newsletter.pk}"):
        page = client.get(url).text
        assert '<div hidden aria-hidden="true"><label for=' in page
        assert 'name="website"' in page


@pytest.mark.parametrize(
    "email",
    ["someone@mailinator.com", "Someone@YOPMAIL.com", "x@eu.mailinator.com"],
)
def test_sign_up_refuses_disposable_domains_with_a_clear_message(client, email):
    newsletter = make_newsletter()
    response = client.post(SIGN_UP, sign_up_data(newsletter, email=email))
    assert response.status_code == 400
    assert "disposable mail service" in response.text
    assert f'value="{email}"' in response.text
    assert Subscription.objects.count() == 0


def test_the_disposable_list_comes_from_settings(client, settings):
    settings.DISPOSABLE_EMAIL_DOMAINS = ["throwaway.example.org"]
    newsletter = make_newsletter()
    refused = client.post(
        SIGN_UP, sign_up_data(newsletter, email="a@throwaway.example.org")
    )
    accepted = client.post(SIGN_UP, sign_up_data(newsletter, email="a@mailinator.com"))
    assert refused.status_code == 400
    assert accepted.status_code == 302


@pytest.mark.parametrize(
    "email",
    [
        "a@localhost",
        "a@[127.0.0.1]",
        "a@[IPv6:::1]",
        "a@intranet",
        "a@printer.local",
        "a@site.test",
        "a@site.invalid",
        "a@host.internal",
        "a@10.0.0.1",
    ],
)
def test_sign_up_refuses_addresses_without_a_public_domain(client, email):
    newsletter = make_newsletter()
    response = client.post(SIGN_UP, sign_up_data(newsletter, email=email))
    assert response.status_code == 400
    assert Subscription.objects.count() == 0
    assert mail.outbox == []


def test_the_delivery_form_refuses_addresses_without_a_public_domain(client):
    make_delivery_area(routing_keys=["A65"])
    response = client.post(DELIVERY, delivery_form_data(email="maire@localhost"))
    assert response.status_code == 200
    assert "public email domain" in response.text
    assert DeliveryRequest.objects.count() == 0
