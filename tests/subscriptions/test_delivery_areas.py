"""Delivery areas: routing keys, and how a request finds its area."""

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError

from subscriptions.delivery import delivery_area_for
from subscriptions.demo import create_demo_delivery_areas
from subscriptions.models import DeliveryArea, DeliveryRoutingKey
from tests.factories import make_staff
from tests.subscriptions.factories import make_delivery_area

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/subscriptions/deliveryarea/add/"


def _area_form(keys, **fields):
    data = {
        "name": "Athlone",
        "newsagent": "Lyons Newsagents",
        "newsagent_contact": "090 647 0000",
        "is_active": "on",
        "routing_keys-TOTAL_FORMS": str(len(keys)),
        "routing_keys-INITIAL_FORMS": "0",
        "routing_keys-MIN_NUM_FORMS": "0",
        "routing_keys-MAX_NUM_FORMS": "1000",
    }
    for index, key in enumerate(keys):
        data[f"routing_keys-{index}-key"] = key
    data.update(fields)
    return data


@pytest.fixture
def desk(client):
    user = make_staff("desk", groups=["Circulation"])
    client.force_login(user)
    return user


def test_desk_adds_an_area_with_its_routing_keys(client, desk):
    """Keys are typed loosely and stored as the Eircode prints them."""
    response = client.post(ADD_URL, _area_form([" n37 ", "d6w"]))
    assert response.status_code == 302
    area = DeliveryArea.objects.get()
    assert sorted(area.routing_keys.values_list("key", flat=True)) == ["D6W", "N37"]


def test_each_routing_key_box_has_a_name_screen_readers_announce(client, desk):
    """
    The inline's inputs, the blank row for "Add another" included, are
    labelled (a tabular inline only heads their column), and so is each
    existing key's delete box.
    """
    area = make_delivery_area(routing_keys=["N37"])
    response = client.get(f"/admin/subscriptions/deliveryarea/{area.pk}/change/")
    page = BeautifulSoup(response.content, "html.parser")
    boxes = page.select('input[name^="routing_keys-"][name$="-key"]')
    assert len(boxes) == 5  # the key, three extra rows, the template row
    assert {box["aria-label"] for box in boxes} == {"Routing key"}
    assert {box["maxlength"] for box in boxes} == {"3"}
    [delete] = page.select('input[name="routing_keys-0-DELETE"]')
    assert delete["aria-label"] == "Delete N37"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("XX1", "A routing key is a letter and two digits"),
        ("N3", "A routing key is a letter and two digits"),
        ("A65", "Routing key with this Routing key already exists."),
    ],
)
def test_a_bad_or_taken_routing_key_is_refused(client, desk, key, message):
    """A key that is no Eircode key, or already another area's, is refused."""
    make_delivery_area(name="Other", routing_keys=["A65"])
    response = client.post(ADD_URL, _area_form([key]))
    assert response.status_code == 200
    assert message in response.text
    assert not DeliveryArea.objects.filter(name="Athlone").exists()


def test_areas_cannot_be_deleted(client, desk, admin_user):
    """Requests keep their area for statistics: areas are retired, not deleted."""
    area = make_delivery_area()
    client.force_login(admin_user)
    url = f"/admin/subscriptions/deliveryarea/{area.pk}/delete/"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("active", "routed"),
    [(True, True), (False, False)],
)
def test_requests_are_routed_only_to_active_areas(active, routed):
    """A routing key in a retired area leaves its requests out of area."""
    area = make_delivery_area(routing_keys=["V95"], is_active=active)
    assert (delivery_area_for("V95") == area) is routed
    assert delivery_area_for("T12") is None


def test_database_refuses_a_malformed_routing_key():
    """The key's shape is a database constraint, not only a form rule."""
    area = make_delivery_area(routing_keys=[])
    with pytest.raises(IntegrityError):
        DeliveryRoutingKey.objects.create(area=area, key="a65")


def test_demo_delivery_areas_route_requests_and_load_twice_safely():
    """The demo paper's areas cover their towns, and loading again adds nothing."""
    create_demo_delivery_areas()
    create_demo_delivery_areas()
    assert DeliveryArea.objects.count() == 5
    assert delivery_area_for("N37").name == "Athlone"
    assert delivery_area_for("A65") is None
