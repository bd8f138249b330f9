"""The home delivery form in a real browser: accessible, and it works end to end."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from subscriptions.delivery import delivery_earliest_start
from subscriptions.models import DeliveryRequest
from tests.browser.conftest import WCAG_AND_BEST_PRACTICE, axe_scan, format_violations
from tests.subscriptions.factories import make_delivery_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe(page, axe_source):
    return axe_scan(page, axe_source, WCAG_AND_BEST_PRACTICE)["violations"]


def test_delivery_form_meets_wcag(live_server, assert_accessible):
    """The empty form has no WCAG or best-practice violation, at any width."""
    assert_accessible(f"{live_server.url}/delivery/")


def test_reader_requests_delivery_and_errors_are_accessible(
    live_server, page, axe_source
):
    """
    A reader sends the form with a bad Eircode, sees an accessible error that
    keeps their answers, corrects it, and gets a reference.
    """
    make_delivery_area(name="Athlone", routing_keys=["N37"])
    page.goto(f"{live_server.url}/delivery/")
    page.get_by_label("Full name").fill("Máire Ní Bhriain")
    page.get_by_label("Email address").fill("maire@example.ie")
    page.get_by_label("Phone number").fill("087 123 4567")
    page.get_by_label("Address line 1").fill("12 Church Street")
    page.get_by_label("Town").fill("Athlone")
    page.get_by_label("County").select_option("Westmeath")
    page.get_by_label("Eircode").fill("N37 B123")
    page.get_by_label("Saturday").check()
    start = delivery_earliest_start() + timedelta(days=2)
    page.get_by_label("Preferred start date").fill(start.isoformat())
    page.get_by_label("I agree to the terms").check()
    page.get_by_role("button", name="Request delivery").click()

    # Waits for the answer to the press: the page's address stays the same.
    expect(page.get_by_text("Enter a valid Eircode").first).to_be_visible()
    assert page.get_by_label("Full name").input_value() == "Máire Ní Bhriain"
    assert page.get_by_label("Saturday").is_checked()
    violations = _axe(page, axe_source)
    assert not violations, format_violations(violations)
    assert not DeliveryRequest.objects.exists()

    page.get_by_label("Eircode").fill("n37 x2y3")
    page.get_by_role("button", name="Request delivery").click()

    expect(page.locator(".reference")).to_be_visible()
    request = DeliveryRequest.objects.get()
    assert request.eircode == "N37 X2Y3"
    assert request.area.name == "Athlone"
    assert re.fullmatch(r"HD-[2-9A-Z]{6}", request.reference)
    assert page.locator(".reference").inner_text() == request.reference
    violations = _axe(page, axe_source)
    assert not violations, format_violations(violations)
