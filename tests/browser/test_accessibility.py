"""axe-core finds no accessibility violation on the pages people use."""

import pytest

from tests.browser.conftest import WCAG, format_violations

pytestmark = pytest.mark.browser


def test_admin_login_page_meets_wcag(live_server, assert_accessible):
    """
    Editors sign in at any width without a WCAG barrier. (Django's own login
    page has no h1, which axe's best practices ask for; WCAG does not.)
    """
    results = assert_accessible(f"{live_server.url}/admin/login/", tags=WCAG)
    assert results["passes"], "axe ran no checks at all"


def test_the_scan_reports_what_it_finds(page, axe_source):
    """An image without alt text is caught and described, so a pass means something."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main>')
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {runOnly: ['wcag2a']})")
    found = {violation["id"] for violation in results["violations"]}
    assert "image-alt" in found
    assert "image-alt" in format_violations(results["violations"])
