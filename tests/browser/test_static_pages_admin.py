"""
The static pages admin at a laptop's 1280 and a phone's 390 pixels: an
editor writes a page in the body editor, publishes it, orders it in the
footer from the list, and finds it on the site and in the footer; the list,
the form and the public page are free of WCAG barriers.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Page
from tests.browser.conftest import (
    WCAG,
    WCAG_AND_BEST_PRACTICE,
    axe_scan,
    format_violations,
)
from tests.factories import make_member, make_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_violations(page, axe_source, tags=WCAG):
    results = axe_scan(page, axe_source, tags)
    assert not results["violations"], format_violations(results["violations"])


def assert_nothing_sticks_out(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def editor_page(page, live_server):
    """The page fixture's browser, signed in as an Editor, with About us live."""
    make_page(title="About us", path="/about/", in_footer=True, footer_position=10)
    make_page(title="Privacy", path="/privacy/", in_footer=True, footer_position=20)
    client = Client()
    client.force_login(make_member("editor", "Editor"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    return page


def test_an_editor_writes_publishes_and_orders_a_page(
    editor_page, live_server, axe_source
):
    page = editor_page
    page.goto(f"{live_server.url}{reverse('admin:articles_page_add')}")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for(state="visible", timeout=10_000)
    assert_no_violations(page, axe_source)
    assert_nothing_sticks_out(page)

    page.get_by_label("Title:", exact=True).fill("Corrections policy")
    page.get_by_label("Address:", exact=True).fill("/corrections-policy/")
    editor.click()
    page.keyboard.type("We correct significant errors as soon as we know of them.")
    page.get_by_role("checkbox", name="In the footer").check()
    page.get_by_role("checkbox", name="Publish now").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/page/")
    assert page.errors == []

    created = Page.objects.get(path="/corrections-policy/")
    assert created.is_published()
    assert "We correct significant errors" in created.body
    # A new page comes last in the footer; the editor moves it between the two.
    assert created.footer_position == 30
    assert_no_violations(page, axe_source)
    assert_nothing_sticks_out(page)
    row = page.locator("#result_list tbody tr", has_text="Corrections policy")
    row.locator("input[name$='-footer_position']").fill("15")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist")
    assert Page.objects.get(pk=created.pk).footer_position == 15

    page.goto(f"{live_server.url}/corrections-policy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Corrections policy"
    footer = page.locator(".site-footer__pages a").all_inner_texts()
    assert footer == ["About us", "Corrections policy", "Privacy"]
    assert_no_violations(page, axe_source, WCAG_AND_BEST_PRACTICE)
    assert_nothing_sticks_out(page)

    page.get_by_role("link", name="About us").click()
    page.wait_for_url("**/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "About us"
