"""
The body editor's Insert menu adds every body element through its dialogs,
in the stored format (docs/body-elements.md) and in the order inserted.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from articles.models import Image
from tests.browser.conftest import VIEWPORTS, axe_scan, format_violations
from tests.browser.test_body_elements_editor import BODY_EDITOR, elements
from tests.factories import image_bytes, image_upload, make_article, make_image

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
    try:
        dialog.wait_for(state="detached", timeout=10_000)
    except PlaywrightTimeout:
        # Say what the dialog says rather than only that it stayed open.
        pytest.fail(f"The dialog stayed open: {dialog.inner_text()!r}")


def save(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist .success", timeout=10_000)


def test_text_elements_are_inserted_in_order_in_the_stored_format(
    live_server,
    story,
    editor_page,
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
    editor_page,
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
    editor_page,
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


def test_the_embed_check_does_not_move_the_insert_button(
    live_server,
    story,
    editor_page,
):
    """
    Leaving the address field checks the address and says which provider
    it is from. The line that says so is kept free beforehand, so the Insert
    button stays where it was: a click that moves focus out of the field,
    starting that check, still lands on the button when it lets go.
    """
    page = editor_page
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    dialog = insert(page, "Embed")
    dialog.get_by_label("Address").fill(VIDEO)
    button = dialog.get_by_role("button", name="Insert", exact=True)
    before = button.bounding_box()
    page.keyboard.press("Tab")
    status = dialog.locator(".body-insert-dialog__status")
    status.filter(has_text="From YouTube.").wait_for(timeout=5_000)
    assert button.bounding_box() == before
    assert page.errors == []


@pytest.fixture
def library(transactional_db):
    """Three library pictures, an article to recommend, and the story."""
    pictures = [
        make_image(
            file=image_upload(width=480, height=270),
            alt_text=alt,
            caption=caption,
            credit="Ann Lens",
        )
        for alt, caption in [
            ("Boats at the pier", "The pier at low tide."),
            ("Cranes over the quay", "Work began in May."),
            ("A ferry leaving", "The first ferry left at nine."),
        ]
    ]
    pictures[2].tags.add("ferries")
    other = make_article(title="Harbour plan explained")
    story = make_article(title="Harbour story", body="<p>The harbour reopened.</p>")
    return {"pictures": pictures, "other": other, "story": story}


def choose_picture(dialog, search, alt_text):
    """Search the library and choose the one picture found."""
    dialog.get_by_label("Search the picture library").fill(search)
    dialog.page.wait_for_function(
        "() => document.querySelectorAll('dialog[open] .body-insert-picture')"
        ".length === 1"
    )
    option = dialog.locator(".body-insert-picture", has_text=alt_text)
    option.click()


def upload_file(name="quay.png"):
    return {"name": name, "mimeType": "image/png", "buffer": image_bytes(64, 48, "PNG")}


def test_every_element_is_inserted_saved_and_shown_to_readers_in_order(
    live_server,
    library,
    editor_page,
):
    """
    An editor inserts one of every element through the Insert menu: a
    picture from the library, a picture uploaded in place, a gallery, an
    embed, a pull quote, a fact box, a "Read more" card, a table and an
    update note. The stored body holds each in the stored format in the
    order inserted, and the article's page shows each in that order.
    """
    page = editor_page
    pier, cranes, ferry = library["pictures"]
    story, other = library["story"], library["other"]
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    page.keyboard.press("End")

    dialog = insert(page, "Picture")
    choose_picture(dialog, "pier", "Boats at the pier")
    caption = dialog.get_by_label("Caption", exact=True)
    assert caption.input_value() == "The pier at low tide."
    caption.fill("The pier, seen from the quay.")
    dialog.get_by_label("Wide").check()
    submit(page, dialog)

    dialog = insert(page, "Picture")
    dialog.get_by_label("Picture file").set_input_files(upload_file())
    dialog.get_by_label("Alt text").fill("The quay at night")
    dialog.get_by_label("Credit").fill("Bo Flash")
    dialog.get_by_label("Caption", exact=True).fill("The quay, lit up.")
    submit(page, dialog)

    dialog = insert(page, "Gallery")
    dialog.get_by_label("Search the picture library").fill("ferries")
    dialog.get_by_role("button", name="Add: A ferry leaving · Ann Lens").click()
    dialog.get_by_label("Search the picture library").fill("cranes")
    dialog.get_by_role("button", name="Add: Cranes over the quay · Ann Lens").click()
    dialog.get_by_role("button", name="Move picture 2 up").click()
    dialog.get_by_label("Caption of picture 2").fill("Leaving at nine.")
    submit(page, dialog)

    dialog = insert(page, "Embed")
    dialog.get_by_label("Address").fill(VIDEO)
    submit(page, dialog)

    dialog = insert(page, "Pull quote")
    dialog.get_by_label("Words").fill("We will build it.")
    submit(page, dialog)

    dialog = insert(page, "Fact box")
    dialog.get_by_label("Points").fill("A new pier")
    submit(page, dialog)

    dialog = insert(page, "“Read more” card")
    dialog.get_by_label("Search our articles").fill("plan explained")
    dialog.get_by_label("Harbour plan explained").check()
    submit(page, dialog)

    dialog = insert(page, "Table")
    dialog.get_by_label("Rows").fill("2")
    dialog.get_by_label("Columns").fill("1")
    dialog.get_by_label("Heading of column 1").fill("Item")
    dialog.get_by_label("Row 2, column 1").fill("Pier")
    submit(page, dialog)

    dialog = insert(page, "Update note")
    dialog.get_by_label("Time").fill("2026-12-06T14:32")
    dialog.get_by_label("What changed").fill("The vote passed.")
    submit(page, dialog)

    save(page)
    story.refresh_from_db()
    uploaded = Image.objects.get(alt_text="The quay at night")
    assert (uploaded.credit, uploaded.caption) == ("Bo Flash", "The quay, lit up.")
    assert elements(story.body) == [
        f'<figure data-element="picture" data-image="{pier.pk}" '
        'data-placement="wide"><figcaption>The pier, seen from the quay.'
        "</figcaption></figure>",
        f'<figure data-element="picture" data-image="{uploaded.pk}" '
        'data-placement="column"><figcaption>The quay, lit up.</figcaption>'
        "</figure>",
        '<figure data-element="gallery">'
        f'<figure data-element="picture" data-image="{cranes.pk}">'
        "<figcaption>Work began in May.</figcaption></figure>"
        f'<figure data-element="picture" data-image="{ferry.pk}">'
        "<figcaption>Leaving at nine.</figcaption></figure></figure>",
        f'<figure data-element="embed" data-url="{VIDEO}"></figure>',
        '<blockquote data-element="pull-quote"><p>We will build it.</p></blockquote>',
        '<aside data-element="fact-box"><h2>Key points</h2><ul>'
        "<li><p>A new pier</p></li></ul></aside>",
        f'<aside data-element="read-more" data-article="{other.pk}"></aside>',
        "<table><thead><tr><th>Item</th></tr></thead>"
        "<tbody><tr><td>Pier</td></tr></tbody></table>",
        '<aside data-element="update" data-at="2026-12-06T14:32">'
        "<p>The vote passed.</p></aside>",
    ]
    assert page.errors == []

    page.goto(live_server.url + story.get_absolute_url())
    shown = page.locator(
        ".element-picture:not(.gallery .element-picture), .gallery, .embed, "
        ".pull-quote, .fact-box, .read-more, .element-table, .update-note"
    )
    assert shown.evaluate_all("nodes => nodes.map(node => node.className)") == [
        "element-picture element-picture--wide",
        "element-picture element-picture--column",
        "gallery",
        "embed embed--card",
        "pull-quote",
        "fact-box",
        "read-more",
        "element-table",
        "update-note",
    ]
    assert "The pier, seen from the quay." in page.locator("main").inner_text()
    assert page.locator(".gallery img").count() == 2
    assert page.locator(".read-more__title").inner_text() == "Harbour plan explained"


def test_a_photo_taken_on_a_phone_is_uploaded_and_placed_in_one_step(
    live_server,
    library,
    editor_page,
):
    """
    On a phone-sized screen, the picture dialog offers the camera (an image
    input with capture="environment"); the photo taken, its alt text, credit
    and caption typed, one press of Insert adds it to the library and places
    it in the story.
    """
    page = editor_page
    page.set_viewport_size({"width": 390, "height": 844})
    story = library["story"]
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    page.keyboard.press("End")

    dialog = insert(page, "Picture")
    camera = dialog.get_by_label("Take a photo")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    assert dialog.get_by_label("Picture file").get_attribute("accept") == "image/*"
    width = dialog.evaluate("node => [node.scrollWidth, node.clientWidth]")
    assert width[0] <= width[1] <= 390

    camera.set_input_files(upload_file("IMG_0001.png"))
    dialog.get_by_label("Alt text").fill("Divers checking the pier's piles")
    dialog.get_by_label("Credit").fill("Bo Flash")
    dialog.get_by_label("Caption", exact=True).fill("Divers at work.")
    submit(page, dialog)
    save(page)

    photo = Image.objects.get(alt_text="Divers checking the pier's piles")
    assert photo.uploaded_by.username == "editor"
    story.refresh_from_db()
    assert elements(story.body) == [
        f'<figure data-element="picture" data-image="{photo.pk}" '
        'data-placement="column"><figcaption>Divers at work.</figcaption></figure>'
    ]
    assert page.errors == []


def test_a_refused_upload_is_explained_in_the_dialog_and_nothing_is_stored(
    live_server,
    library,
    editor_page,
):
    """
    A file that is not a picture, or a picture without its credit, is
    refused with the server's reason shown in the dialog; what was typed
    stays and nothing is stored or inserted.
    """
    page = editor_page
    story = library["story"]
    editor = open_form(page, live_server, story)
    editor.locator("p").first.click()
    dialog = insert(page, "Picture")
    error = dialog.locator(".body-insert-dialog__error")

    dialog.get_by_label("Picture file").set_input_files(upload_file())
    dialog.get_by_role("button", name="Insert", exact=True).click()
    error.wait_for(state="visible", timeout=5_000)
    assert error.inner_text() == "A new picture needs its alt text."

    dialog.get_by_label("Alt text").fill("The quay at night")
    dialog.get_by_label("Caption", exact=True).fill("The quay, lit up.")
    dialog.get_by_role("button", name="Insert", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('.body-insert-dialog__error')"
        ".textContent.startsWith('Credit:')"
    )
    assert error.inner_text() == "Credit: This field is required."
    assert dialog.get_by_label("Credit").get_attribute("aria-invalid") == "true"

    dialog.get_by_label("Credit").fill("Bo Flash")
    dialog.get_by_label("Picture file").set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"}
    )
    dialog.get_by_role("button", name="Insert", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('.body-insert-dialog__error')"
        ".textContent.startsWith('Picture:')"
    )
    assert dialog.get_by_label("Alt text").input_value() == "The quay at night"
    assert dialog.get_by_label("Caption", exact=True).input_value() == (
        "The quay, lit up."
    )
    assert not Image.objects.filter(alt_text="The quay at night").exists()
    assert editor.locator(".body-element-card").count() == 0
    assert page.errors == []


def focused(page, script):
    """Whether the focused element passes `script` (a test on `node`)."""
    return page.evaluate(f"(node => {script})(document.activeElement)")


def tab_to(page, script, back=False, most=200):
    """Press Tab (Shift+Tab going back) until the focused element passes `script`."""
    for _ in range(most):
        if focused(page, script):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {script}")


INSERT_BUTTON = "node.matches('.body-insert-button') && node.textContent === 'Insert'"
IN_EDITOR = "node.matches('.ProseMirror')"
INSERT_IN_DIALOG = (
    "node.matches('dialog[open] button[type=submit]') && node.textContent === 'Insert'"
)


def choose_from_menu(page, label):
    """From the body, back to the Insert button, open the menu and choose `label`."""
    tab_to(page, INSERT_BUTTON, back=True)
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Insert")
    menu.wait_for(state="visible", timeout=5_000)
    for _ in range(len(ELEMENT_LABELS)):
        if focused(page, f"node.textContent === {label!r}"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for(state="visible", timeout=5_000)


ELEMENT_LABELS = [
    "Picture",
    "Gallery",
    "Embed",
    "Pull quote",
    "Fact box",
    "“Read more” card",
    "Table",
    "Update note",
]


def test_an_editor_inserts_elements_with_the_keyboard_only(
    live_server,
    library,
    editor_page,
):
    """
    Without the mouse (Tab, arrows, Enter, typing): the editor reaches the
    body, types a paragraph, goes back to the Insert button, opens the menu,
    moves to Pull quote with the arrow keys and fills its dialog, then a
    fact box, then a picture chosen from the library's search results, and
    saves with Ctrl+S; the body holds them in that order.
    """
    page = editor_page
    story, pier = library["story"], library["pictures"][0]
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[story.pk])
    )
    page.locator(BODY_EDITOR).wait_for(state="visible", timeout=10_000)
    tab_to(page, IN_EDITOR)
    # The editor puts its own caret back just after it gains the focus, and
    # reads a moved one when the browser reports it: a moment each.
    page.wait_for_timeout(200)
    page.keyboard.press("Control+End")
    page.wait_for_function(
        "() => getSelection().isCollapsed && getSelection().anchorOffset > 0"
    )
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")
    page.keyboard.type("Work starts in May.")

    choose_from_menu(page, "Pull quote")
    assert focused(page, "node.matches('textarea')")  # Words
    page.keyboard.type("We will build it.")
    page.keyboard.press("Tab")
    page.keyboard.type("The mayor")
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for(state="detached", timeout=5_000)
    assert focused(page, IN_EDITOR)

    choose_from_menu(page, "Fact box")
    page.keyboard.press("Tab")  # from the title, "Key points", to the points
    page.keyboard.type("A new pier")
    page.keyboard.press("Enter")
    page.keyboard.type("Two cranes")
    tab_to(page, INSERT_IN_DIALOG)
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for(state="detached", timeout=5_000)

    choose_from_menu(page, "Picture")
    assert focused(page, "node.type === 'search'")
    page.keyboard.type("pier")
    page.locator(DIALOG).locator(".body-insert-picture").filter(
        has_text="Boats at the pier"
    ).wait_for(state="visible", timeout=5_000)
    page.wait_for_function(
        "() => document.querySelectorAll('dialog[open] .body-insert-picture')"
        ".length === 1"
    )
    tab_to(page, "node.type === 'radio'")
    page.keyboard.press("Space")
    # Into the placements, on the one checked; the arrow moves to the next.
    tab_to(page, "node.type === 'radio' && node.value === 'column'")
    page.keyboard.press("ArrowRight")
    tab_to(page, INSERT_IN_DIALOG)
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for(state="detached", timeout=5_000)

    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success", timeout=10_000)
    story.refresh_from_db()
    assert story.body == (
        "<p>The harbour reopened.</p><p>Work starts in May.</p>"
        '<blockquote data-element="pull-quote"><p>We will build it.</p>'
        "<cite>The mayor</cite></blockquote>"
        '<aside data-element="fact-box"><h2>Key points</h2><ul>'
        "<li><p>A new pier</p></li><li><p>Two cranes</p></li></ul></aside>"
        f'<figure data-element="picture" data-image="{pier.pk}" '
        'data-placement="wide"><figcaption>The pier at low tide.</figcaption>'
        "</figure>"
    )
    assert page.errors == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_insert_dialog_passes_axe_at_desktop_and_phone_widths(
    live_server,
    library,
    editor_page,
    axe_source,
    viewport,
):
    """
    Each dialog of the Insert menu, open with its search results shown, has
    no WCAG 2.2 AA barrier axe can find, and fits the screen, at 1280 and
    at 390 pixels.
    """
    page = editor_page
    page.set_viewport_size(VIEWPORTS[viewport])
    open_form(page, live_server, library["story"]).locator("p").first.click()
    for label in ELEMENT_LABELS:
        dialog = insert(page, label)
        if label in ("Picture", "Gallery", "“Read more” card"):
            page.wait_for_function(
                "() => document.querySelector('dialog[open] "
                ".body-insert-dialog__status').textContent.endsWith('found.')"
            )
        results = axe_scan(page, axe_source, within="dialog[open]")
        assert not results["violations"], f"{label}: " + format_violations(
            results["violations"]
        )
        sizes = dialog.evaluate(
            "node => [node.getBoundingClientRect().right, node.scrollWidth, "
            "node.clientWidth]"
        )
        assert sizes[0] <= VIEWPORTS[viewport]["width"], label
        assert sizes[1] <= sizes[2], label
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=5_000)
    assert page.errors == []


def edit(page, live_server, article):
    """
    Open the article's form, select the element card after the first
    paragraph with the arrow key, and open its dialog with Edit element.
    """
    editor = open_form(page, live_server, article)
    editor.locator("p").first.click()
    page.keyboard.press("End")
    edit_button = page.get_by_role("button", name="Edit element")
    assert edit_button.get_attribute("aria-disabled") == "true"
    page.keyboard.press("ArrowDown")
    card = editor.locator(".body-element-card").first
    assert "ProseMirror-selectednode" in card.get_attribute("class")
    assert edit_button.get_attribute("aria-disabled") == "false"
    edit_button.click()
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible", timeout=5_000)
    return dialog


def edit_picture(dialog):
    assert dialog.get_by_role("heading").inner_text() == "Edit the picture"
    assert dialog.get_by_label("Caption", exact=True).input_value() == "The pier."
    assert dialog.get_by_label("Wide").is_checked()
    dialog.get_by_label("Full width").check()


def edit_gallery(dialog):
    assert dialog.get_by_label("Caption of picture 2").input_value() == "A ferry."
    dialog.get_by_role("button", name="Move picture 2 up").click()


def edit_quote(dialog):
    assert dialog.get_by_label("Words").input_value() == "We will build it."
    assert dialog.get_by_label("Who said them").input_value() == "The mayor"
    dialog.get_by_label("Words").fill("We built it.")


def edit_table(dialog):
    assert dialog.get_by_label("Heading of column 1").input_value() == "Item"
    dialog.get_by_label("Row 2, column 1").fill("Quay")


# Each element as stored, edited, and as stored after the edit ({pier},
# {cranes} and {ferry} are the library pictures' ids).
EDITS = {
    "picture": (
        '<figure data-element="picture" data-image="{pier}" data-placement="wide">'
        "<figcaption>The pier.</figcaption></figure>",
        edit_picture,
        '<figure data-element="picture" data-image="{pier}" data-placement="full">'
        "<figcaption>The pier.</figcaption></figure>",
    ),
    "gallery": (
        '<figure data-element="gallery">'
        '<figure data-element="picture" data-image="{cranes}">'
        "<figcaption>Cranes.</figcaption></figure>"
        '<figure data-element="picture" data-image="{ferry}">'
        "<figcaption>A ferry.</figcaption></figure></figure>",
        edit_gallery,
        '<figure data-element="gallery">'
        '<figure data-element="picture" data-image="{ferry}">'
        "<figcaption>A ferry.</figcaption></figure>"
        '<figure data-element="picture" data-image="{cranes}">'
        "<figcaption>Cranes.</figcaption></figure></figure>",
    ),
    "pull quote": (
        '<blockquote data-element="pull-quote"><p>We will build it.</p>'
        "<cite>The mayor</cite></blockquote>",
        edit_quote,
        '<blockquote data-element="pull-quote"><p>We built it.</p>'
        "<cite>The mayor</cite></blockquote>",
    ),
    "table": (
        "<table><thead><tr><th>Item</th></tr></thead>"
        "<tbody><tr><td>Pier</td></tr></tbody></table>",
        edit_table,
        "<table><thead><tr><th>Item</th></tr></thead>"
        "<tbody><tr><td>Quay</td></tr></tbody></table>",
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_a_selected_element_is_edited_in_place_through_its_dialog(
    live_server,
    library,
    editor_page,
    kind,
):
    """
    "Edit element" is usable only while an element is selected; it opens
    the element's dialog filled in from it, and what is changed replaces
    the element where it stands.
    """
    page = editor_page
    pier, cranes, ferry = library["pictures"]
    ids = {"pier": pier.pk, "cranes": cranes.pk, "ferry": ferry.pk}
    before, change, after = EDITS[kind]
    story = library["story"]
    story.body = f"<p>The harbour reopened.</p>{before.format(**ids)}<p>End.</p>"
    story.save()

    dialog = edit(page, live_server, story)
    change(dialog)
    dialog.get_by_role("button", name="Update", exact=True).click()
    dialog.wait_for(state="detached", timeout=10_000)
    save(page)

    story.refresh_from_db()
    assert story.body == (
        f"<p>The harbour reopened.</p>{after.format(**ids)}<p>End.</p>"
    )
    assert page.errors == []
