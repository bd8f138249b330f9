"""
Staff export and erase a reader's data from the admin's "Personal data"
page, which needs the manage_personal_data permission; each request is
recorded and listed, with the address kept only as a hash.
"""

import json

import pytest
from django.contrib.auth.models import Group, User

from subscriptions.models import (
    DeliveryRequest,
    PersonalDataRequest,
    Subscription,
    address_hash,
    is_suppressed,
)
from tests.factories import make_staff

from .factories import make_delivery_request, make_subscription

pytestmark = pytest.mark.django_db

PAGE = "/admin/subscriptions/personaldatarequest/act/"
RECORDS = "/admin/subscriptions/personaldatarequest/"
EMAIL = "reader@example.ie"


@pytest.fixture
def officer(client):
    user = make_staff("officer", ["subscriptions.manage_personal_data"])
    client.force_login(user)
    return user


@pytest.fixture
def held():
    make_subscription(email=EMAIL)
    return make_delivery_request(email="Reader@Example.ie", name="Róisín Held")


def test_the_page_needs_a_login_and_the_permission(client):
    assert client.get(PAGE)["Location"].startswith("/admin/login/")

    client.force_login(make_staff("desk", groups=["Circulation"]))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"email": EMAIL, "action": "export"}).status_code == 403
    assert not PersonalDataRequest.objects.exists()


def test_no_group_is_given_the_permission():
    """Only superusers and accounts given it one by one may use the page."""
    assert not Group.objects.filter(
        permissions__codename="manage_personal_data"
    ).exists()


def test_superusers_see_the_link_on_the_admin_index(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    assert PAGE in client.get("/admin/").text
    assert client.get(PAGE).status_code == 200


def test_export_downloads_the_json_and_records_who_did_it(client, officer, held):
    response = client.post(PAGE, {"email": " READER@example.ie", "action": "export"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert len(document["newsletter_subscriptions"]) == 1
    assert document["delivery_requests"][0]["name"] == "Róisín Held"
    record = PersonalDataRequest.objects.get()
    assert (record.action, record.channel, record.actor, record.actor_name) == (
        "export",
        "admin",
        officer,
        "officer",
    )
    assert record.address_hash == address_hash(EMAIL)


def test_erase_asks_first_and_changes_nothing_until_confirmed(client, officer, held):
    response = client.post(PAGE, {"email": EMAIL, "action": "erase"})

    assert response.status_code == 200
    assert "Erase this address's personal data?" in response.text
    assert "1 newsletter subscription(s)" in response.text
    assert "1 home delivery request(s)" in response.text
    assert Subscription.objects.exists()
    assert not PersonalDataRequest.objects.exists()
    assert not is_suppressed(EMAIL)


def test_confirmed_erasure_erases_suppresses_and_is_recorded(client, officer, held):
    response = client.post(
        PAGE, {"email": EMAIL, "action": "erase", "confirmed": "yes"}
    )

    record = PersonalDataRequest.objects.get()
    assert response["Location"] == f"{RECORDS}{record.pk}/change/"
    assert record.action == "erase" and record.actor == officer
    assert not Subscription.objects.exists()
    request = DeliveryRequest.objects.get()
    assert request.name == "" and request.anonymised_at is not None
    assert request.events.filter(actor=officer, to_status="cancelled").exists()
    assert is_suppressed(EMAIL)
    page = client.get(response["Location"]).text
    assert "subscriptions deleted" in page
    assert EMAIL not in page


def test_a_malformed_address_is_refused_and_kept_as_typed(client, officer):
    response = client.post(PAGE, {"email": "reader@", "action": "erase"})

    assert response.status_code == 200
    assert "That is not an email address" in response.text
    assert 'value="reader@"' in response.text
    assert not PersonalDataRequest.objects.exists()


def test_records_are_found_by_typing_the_address_and_show_only_its_hash(
    client, officer, held, django_assert_max_num_queries
):
    for action in ("export", "erase"):
        client.post(PAGE, {"email": EMAIL, "action": action, "confirmed": "yes"})
    client.post(PAGE, {"email": "someone@example.ie", "action": "export"})

    with django_assert_max_num_queries(9):
        listing = client.get(RECORDS, {"q": "READER@example.ie"}).text

    assert "2 personal data requests" in listing
    assert address_hash(EMAIL)[:12] in listing
    assert EMAIL not in listing
    assert client.get(RECORDS).text.count(address_hash(EMAIL)[:12]) == 2


def test_records_cannot_be_added_changed_or_deleted(client, officer, held):
    client.post(PAGE, {"email": EMAIL, "action": "export"})
    record = PersonalDataRequest.objects.get()

    assert client.get(f"{RECORDS}add/").status_code == 403
    assert client.get(f"{RECORDS}{record.pk}/delete/").status_code == 403
    client.post(f"{RECORDS}{record.pk}/change/", {"actor_name": "someone else"})
    assert PersonalDataRequest.objects.get().actor_name == "officer"
