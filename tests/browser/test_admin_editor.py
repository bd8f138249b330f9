"""The article editor works in a real browser under the site's CSP."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_article, make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects Content-Security-Policy violations the page reports.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def editor_page(live_server, client):
    """A Chromium page logged in as a staff editor (not a superuser)."""
    client.force_login(make_editor())
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        yield page
        browser.close()


def test_prose_editor_loads_and_edits_the_body_under_the_csp(live_server, editor_page):
    """
    On the article add form the rich-text editor starts (its import map runs
    with the response's CSP nonce), typing in it fills the body field, and the
    page reports no CSP violation and no script error.
    """
    page = editor_page
    response = page.goto(live_server.url + reverse("admin:articles_article_add"))
    csp = response.headers["content-security-policy"]
    assert "'nonce-" in csp and "'unsafe-inline'" not in csp
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for(state="visible", timeout=10_000)
    editor.click()
    page.keyboard.type("The council met on Tuesday.")
    page.locator("#id_title").click()  # the editor writes the field on blur
    body = page.locator("textarea#id_body").input_value()
    assert "The council met on Tuesday." in body
    assert page.evaluate("window.cspViolations") == []
    assert page.errors == []


@pytest.fixture
def tagged_article(transactional_db):
    # Made before the browser starts: Playwright's event loop forbids the ORM.
    return make_article(tags=["harbour", "council"])


def test_tag_field_suggests_existing_tags_for_the_last_name(
    live_server, tagged_article, editor_page
):
    """Typing the start of a tag after others offers the existing tags to finish it."""
    page = editor_page
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.locator("#id_tags").fill("council, har")
    option = page.locator("datalist#id_tags_suggestions option")
    option.first.wait_for(state="attached", timeout=5_000)
    assert [o.get_attribute("value") for o in option.all()] == ["council, harbour"]
    assert page.evaluate("window.cspViolations") == []


def test_admin_pages_report_no_csp_violation(live_server, editor_page):
    """The changelists and the image upload form run clean under the CSP."""
    page = editor_page
    for name in (
        "admin:articles_article_changelist",
        "admin:articles_image_add",
        "admin:articles_author_add",
        "admin:index",
    ):
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("load")
        assert page.evaluate("window.cspViolations") == [], name
    assert page.errors == []


@pytest.fixture
def harbour_article(transactional_db):
    return make_article(title="Harbour plan", body="<p>The council met.</p>")


def test_words_typed_before_the_tab_closed_are_offered_back(
    live_server, harbour_article, editor_page
):
    """
    The editor types into the body and closes the tab mid-sentence without
    saving; on reopening the article the form offers the words back, and
    restoring puts them in the body editor.
    """
    url = live_server.url + reverse(
        "admin:articles_article_change", args=[harbour_article.pk]
    )
    page = editor_page
    page.goto(url)
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for(state="visible", timeout=10_000)
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Councillors then voted to approve the dred")
    context = page.context
    page.close(run_before_unload=True)

    reopened = context.new_page()
    reopened.goto(url)
    offer = reopened.locator(".draft-offer")
    offer.wait_for(state="visible", timeout=5_000)
    assert "Restore what you were writing at" in offer.inner_text()
    offer.get_by_role("link").click()
    body = reopened.locator(".prose-editor [contenteditable=true]")
    body.wait_for(state="visible", timeout=10_000)
    assert "Councillors then voted to approve the dred" in body.inner_text()
