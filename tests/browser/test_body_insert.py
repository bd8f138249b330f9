"""
The body editor's Insert menu adds every body element through its dialogs,
in the stored format (docs/body-elements.md) and in the order inserted.
"""

import pytest
from django.urls import reverse

from tests.browser.test_admin_editor import editor_page  # noqa: F401 (fixture)
from tests.browser.test_body_elements_editor import BODY_EDITOR, elements
from tests.factories import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The stored body is read back while Playwright's loop runs.
    pytest.mark.usefixtures("_async_unsafe_allowed"),
]

DIALOG = "dialog.body-insert-dialog[open]"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def story(transactional_db):
    return make_article(title="Harbour story", body="<p>The harbour reopened.</p>")


def open_form(page, live_server, article):
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    )
    editor = page.locator(BODY_EDITOR)
    editor.wait_for(state="visible", timeout=10_000)
    return editor


def insert(page, label):
    """Open the Insert menu and choose `label`: the dialog that opens."""
    page.get_by_role("button", name="Insert", exact=True).click()
    page.get_by_role("menuitem", name=label).click()
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible", timeout=5_000)
    return dialog


def submit(page, dialog):
    dialog.get_by_role("button", name="Insert", exact=True).click()
    dialog.wait_for(state="detached", timeout=10_000)


def save(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist .success", timeout=10_000)


def test_text_elements_are_inserted_in_order_in_the_stored_format(
    live_server,
    story,
    editor_page,  # noqa: F811
):
    """
    An editor puts the cursor after the first paragraph and inserts a pull
    quote, a fact box, a table, an update note and an embed, one after the
    other: the stored body holds each in the stored format, in that order,
    after the paragraph.
    """
    page = editor_page
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    page.keyboard.press("End")

    dialog = insert(page, "Pull quote")
    dialog.get_by_label("Words").fill("We will build it.")
    dialog.get_by_label("Who said them").fill("The mayor")
    submit(page, dialog)

    dialog = insert(page, "Fact box")
    assert dialog.get_by_label("Title").input_value() == "Key points"
    dialog.get_by_label("Points").fill("A new pier\n\nTwo cranes")
    submit(page, dialog)

    dialog = insert(page, "Table")
    dialog.get_by_label("Caption").fill("Budget")
    dialog.get_by_label("Rows").fill("2")
    dialog.get_by_label("Heading of column 1").fill("Item")
    dialog.get_by_label("Heading of column 2").fill("Cost")
    dialog.get_by_label("Row 2, column 1").fill("Pier")
    dialog.get_by_label("Row 2, column 2").fill("€2m")
    submit(page, dialog)

    dialog = insert(page, "Update note")
    dialog.get_by_label("Time").fill("2026-12-06T14:32")
    dialog.get_by_label("What changed").fill("The vote passed.")
    submit(page, dialog)

    dialog = insert(page, "Embed")
    dialog.get_by_label("Address").fill(VIDEO)
    submit(page, dialog)

    cards = editor.locator(".body-element-card")
    assert cards.count() == 5
    save(page)

    story.refresh_from_db()
    assert story.body.startswith("<p>The harbour reopened.</p>")
    assert elements(story.body) == [
        '<blockquote data-element="pull-quote"><p>We will build it.</p>'
        "<cite>The mayor</cite></blockquote>",
        '<aside data-element="fact-box"><h2>Key points</h2><ul>'
        "<li><p>A new pier</p></li><li><p>Two cranes</p></li></ul></aside>",
        "<table><caption>Budget</caption><thead><tr><th>Item</th><th>Cost</th></tr>"
        "</thead><tbody><tr><td>Pier</td><td>€2m</td></tr></tbody></table>",
        '<aside data-element="update" data-at="2026-12-06T14:32">'
        "<p>The vote passed.</p></aside>",
        f'<figure data-element="embed" data-url="{VIDEO}"></figure>',
    ]
    assert page.errors == []


@pytest.fixture
def empty_story(transactional_db):
    return make_article(title="Empty story", body="")


def test_three_elements_inserted_into_an_empty_body_keep_their_order(
    live_server,
    empty_story,
    editor_page,  # noqa: F811
):
    """
    Inserting onto the empty paragraph of an empty body replaces it, and
    three quotes inserted one after another come out in that order; words
    typed next go after the last.
    """
    page = editor_page
    editor = open_form(page, live_server, empty_story)
    editor.click()
    for words in ("One", "Two", "Three"):
        dialog = insert(page, "Pull quote")
        dialog.get_by_label("Words").fill(words)
        submit(page, dialog)
    page.keyboard.type("After them.")
    save(page)

    empty_story.refresh_from_db()
    assert empty_story.body == (
        '<blockquote data-element="pull-quote"><p>One</p></blockquote>'
        '<blockquote data-element="pull-quote"><p>Two</p></blockquote>'
        '<blockquote data-element="pull-quote"><p>Three</p></blockquote>'
        "<p>After them.</p>"
    )


def test_a_refused_embed_is_explained_in_the_dialog_and_what_was_typed_kept(
    live_server,
    story,
    editor_page,  # noqa: F811
):
    """
    An address no configured provider accepts is refused in the dialog,
    which stays open with the address typed; Escape closes it, inserts
    nothing and puts the focus back in the editor.
    """
    page = editor_page
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    dialog = insert(page, "Embed")
    address = dialog.get_by_label("Address")
    address.fill("https://example.com/clip/1")
    dialog.get_by_role("button", name="Insert", exact=True).click()
    error = dialog.locator(".body-insert-dialog__error")
    error.wait_for(state="visible", timeout=5_000)
    assert "No provider we embed from accepts this address" in error.inner_text()
    assert address.input_value() == "https://example.com/clip/1"
    assert address.get_attribute("aria-invalid") == "true"

    page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=5_000)
    assert page.evaluate("document.activeElement.closest('.prose-editor') !== null")
    assert editor.locator(".body-element-card").count() == 0
    assert page.errors == []
