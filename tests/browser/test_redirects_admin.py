"""
The redirects admin at a laptop's 1280 and a phone's 390 pixels: the list
shows each old address with where it goes and its hits, the add form saves a
redirect that then answers, and both pages are free of WCAG barriers.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Redirect
from tests.browser.conftest import VIEWPORTS, axe_scan, format_violations
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_violations(page, axe_source):
    results = axe_scan(page, axe_source)
    assert not results["violations"], format_violations(results["violations"])


@pytest.fixture
def writer_page(page, live_server):
    """The page fixture's browser, signed in as a Writer."""
    client = Client()
    client.force_login(make_member("writer", "Writer"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_the_list_and_add_form_work_and_meet_wcag(writer_page, live_server, axe_source):
    page = writer_page
    Redirect.objects.create(
        old_path="/2019/05/harbour-dredging-to-begin-before-summer/",
        target="/news/harbour-dredging/",
    )
    page.goto(f"{live_server.url}{reverse('admin:articles_redirect_changelist')}")
    row = page.locator("#result_list tbody tr").first
    assert "/2019/05/harbour-dredging-to-begin-before-summer/" in row.inner_text()
    assert "/news/harbour-dredging/" in row.inner_text()
    assert page.get_by_role("link", name="Import CSV").is_visible()
    assert_no_violations(page, axe_source)

    page.goto(f"{live_server.url}{reverse('admin:articles_redirect_add')}")
    assert_no_violations(page, axe_source)
    page.get_by_label("Old address").fill("old/page")
    page.get_by_label("New address").fill("/news/new-page/")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/redirect/")
    width = page.viewport_size["width"]
    assert width in {size["width"] for size in VIEWPORTS.values()}
    # Nothing sticks out sideways at this width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    answer = page.request.get(f"{live_server.url}/old/page/", max_redirects=0)
    assert answer.status == 301
    assert answer.headers["location"] == "/news/new-page/"
