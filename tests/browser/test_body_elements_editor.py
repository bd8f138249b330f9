"""The body editor keeps every body element (docs/body-elements.md) intact."""

import pytest
from django.urls import reverse

from articles.body import parse
from tests.articles.test_body_elements import EVERY_ELEMENT
from tests.factories import image_upload, make_article, make_image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The stored body is read back while Playwright's loop runs.
    pytest.mark.usefixtures("_async_unsafe_allowed"),
]

BODY_EDITOR = ".prose-editor [contenteditable=true]"


def elements(body):
    """The body's elements, each as the sanitized HTML stored for it."""
    return [
        str(node) for node in parse(body).nodes() if node.element or node.tag == "table"
    ]


@pytest.fixture
def story(transactional_db):
    """An article whose body holds one of every element (made before the browser)."""
    pictures = [make_image(file=image_upload(width=480, height=270)) for _ in range(3)]
    other = make_article(title="Harbour plan explained")
    body = EVERY_ELEMENT.format(
        picture=pictures[0].pk,
        first=pictures[1].pk,
        second=pictures[2].pk,
        article=other.pk,
    )
    return make_article(title="Harbour story", body=body)


def test_saving_an_edited_body_keeps_every_element_exactly(
    live_server,
    story,
    editor_page,
):
    """
    An editor opens an article whose body holds one of every element, sees
    each as a card, types a sentence in a paragraph and saves: the stored
    body has the sentence and every element exactly as before.
    """
    page = editor_page
    before = elements(story.body)
    assert len(before) == 8
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[story.pk])
    )
    editor = page.locator(BODY_EDITOR)
    editor.wait_for(state="visible", timeout=10_000)
    cards = editor.locator(".body-element-card")
    assert cards.count() == 8
    texts = cards.all_inner_texts()
    picture = parse(before[0]).nodes()[0].attrs["data-image"]
    assert texts[0] == f"Picture {picture} · wide · The pier at low tide."
    assert texts[1] == "Gallery · 2 pictures"
    assert texts[2] == "Embed https://www.youtube.com/watch?v=abc&t=1"
    assert texts[4] == "Fact box: Key points"

    editor.locator("p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" The harbour reopened in May.")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist .success", timeout=10_000)

    story.refresh_from_db()
    assert "<p>Text first. The harbour reopened in May.</p>" in story.body
    assert elements(story.body) == before
    assert page.errors == []
