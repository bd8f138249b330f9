"""The article editor works in a real browser under the site's CSP."""

import time

import pytest
from django.urls import reverse

from articles.models import ArticleDraft
from tests.browser.conftest import axe_scan, format_violations
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def type_at_the_end_of_the_body(page, live_server, article, words):
    """Open the article's form and type `words` after its body: the form's URL."""
    url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    page.goto(url)
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for(state="visible", timeout=10_000)
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(words)
    return url


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
    page = editor_page
    url = type_at_the_end_of_the_body(
        page,
        live_server,
        harbour_article,
        " Councillors then voted to approve the dred",
    )
    context = page.context
    page.close(run_before_unload=True)
    # The closing tab's last save is a beacon the server may still be
    # handling: the editor comes back after it has been kept.
    deadline = time.monotonic() + 10
    while not ArticleDraft.objects.filter(
        fields__icontains="approve the dred"
    ).exists():
        assert time.monotonic() < deadline, "the closing tab's words were not kept"
        time.sleep(0.05)

    reopened = context.new_page()
    reopened.goto(url)
    offer = reopened.locator(".draft-offer")
    offer.wait_for(state="visible", timeout=5_000)
    assert "Restore what you were writing at" in offer.inner_text()
    offer.get_by_role("link").click()
    body = reopened.locator(".prose-editor [contenteditable=true]")
    body.wait_for(state="visible", timeout=10_000)
    assert "Councillors then voted to approve the dred" in body.inner_text()


def box(page, selector):
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def open_at_width(page, live_server, article, width, height):
    """Open the article's form at the given size: its two columns' boxes."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    )
    # The body editor replaces its textarea once its script has run, and the
    # writing column's height changes with it: measure after that.
    page.locator(".prose-editor [contenteditable=true]").wait_for(
        state="visible", timeout=10_000
    )
    # Both measured in one frame, once neither has moved for a few frames:
    # measured one after the other, the writing column had not yet reached
    # its height when the side column below it was measured.
    writing, side = page.evaluate(SETTLED_BOXES, [".article-writing", ".article-side"])
    assert writing and side, "a column is not shown"
    return writing, side


# The boxes (as bounding_box() gives them) of the first element of each of
# the selectors, once they have been the same for 5 frames running.
SETTLED_BOXES = """async (selectors) => {
  const measure = () => selectors.map((selector) => {
    const found = document.querySelector(selector);
    if (!found) return null;
    const r = found.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  });
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let last = JSON.stringify(measure()), still = 0;
  for (let n = 0; n < 300 && still < 5; n++) {
    await frame();
    const now = JSON.stringify(measure());
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return JSON.parse(last);
}"""


def assert_no_wcag_violation(page, axe_source):
    results = axe_scan(page, axe_source)
    assert not results["violations"], format_violations(results["violations"])


def test_at_1280_pixels_the_writing_fills_a_wide_column_beside_the_rest(
    live_server, harbour_article, editor_page, axe_source
):
    """
    Headline, standfirst and body fill the main column, top left; section,
    byline and publishing sit open in a side column on the right; the body
    editor is tall enough to write in; axe finds no WCAG barrier.
    """
    page = editor_page
    writing, side = open_at_width(page, live_server, harbour_article, 1280, 900)
    assert writing["x"] < side["x"]
    assert side["x"] >= writing["x"] + writing["width"]
    assert side["x"] + side["width"] <= 1280
    assert abs(writing["y"] - side["y"]) < 5
    assert writing["width"] >= 2 * side["width"]
    title, body = box(page, "#id_title"), box(page, ".prose-editor [contenteditable]")
    assert title["y"] < body["y"] and title["x"] < side["x"]
    assert body["height"] >= 0.6 * 900 - 1
    assert box(page, "#id_standfirst")["height"] < 120
    for selector in ("#id_section", "#bylines-group", "#id_status"):
        found = box(page, selector)
        assert found["x"] >= side["x"], selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_no_wcag_violation(page, axe_source)
    assert page.errors == []


def test_on_a_phone_the_form_fits_and_the_body_editor_works(
    live_server, harbour_article, editor_page, axe_source
):
    """
    At 390 pixels nothing scrolls sideways (the byline included, opened),
    the other groups follow the writing, collapsed, and the body takes
    typing; axe finds no WCAG barrier.
    """
    page = editor_page
    writing, side = open_at_width(page, live_server, harbour_article, 390, 844)
    assert side["y"] >= writing["y"] + writing["height"]
    assert not page.locator("#id_status").is_visible()
    page.locator("#bylines-group summary").click()
    page.locator(".article-side summary", has_text="Publishing").click()
    assert page.locator("#id_status").is_visible()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Then it rained.")
    assert "Then it rained." in editor.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_wcag_violation(page, axe_source)
    assert page.errors == []


def test_ctrl_s_saves_and_continues_editing(live_server, harbour_article, editor_page):
    """Ctrl+S in the body saves the article and comes back to its form."""
    page = editor_page
    url = type_at_the_end_of_the_body(
        page, live_server, harbour_article, " Saved by keyboard."
    )
    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success", timeout=10_000)
    assert page.url.split("?")[0] == url
    assert (
        "Saved by keyboard."
        in page.locator(".prose-editor [contenteditable]").inner_text()
    )


def test_typing_is_saved_as_a_draft_after_fifteen_seconds(
    live_server, harbour_article, editor_page
):
    """
    With the page still open, the words typed are on the server 15 seconds
    after the first keystroke, and not before.
    """
    page = editor_page
    page.clock.install()
    drafts = []
    page.on(
        "request",
        lambda request: (
            drafts.append(request.post_data)
            if request.url.endswith("/draft/")
            else None
        ),
    )
    type_at_the_end_of_the_body(page, live_server, harbour_article, " Late news")
    page.clock.run_for(14_000)
    assert drafts == []
    with page.expect_response(lambda r: r.url.endswith("/draft/")) as answer:
        page.clock.run_for(2_000)
    assert answer.value.status == 200
    assert "Late+news" in drafts[0] or "Late%20news" in drafts[0]
