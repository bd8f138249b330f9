"""
The gallery viewer (articles/static/articles/gallery.js) in a real Chromium,
driven by the keyboard alone: a picture opens it, the arrow keys move
through the pictures with "2 of 3" announced, Escape closes it and focus
returns to the picture that opened it; with reduced motion, nothing moves.
"""

import pytest

from tests.articles.test_body_elements import EVERY_ELEMENT
from tests.factories import image_upload, make_article, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gallery_article():
    pictures = [
        make_image(file=image_upload(width=480, height=270), alt_text=f"Goal {n}")
        for n in range(1, 4)
    ]
    gallery = "".join(
        f'<figure data-element="picture" data-image="{p.pk}">'
        f"<figcaption>Caption {n}</figcaption></figure>"
        for n, p in enumerate(pictures, start=1)
    )
    return make_article(
        title="Harbour United win the cup",
        body=f'<p>A match report.</p><figure data-element="gallery">{gallery}</figure>',
    )


def status(page):
    return page.locator(".gallery-viewer__status").text_content()


def test_gallery_viewer_works_from_the_keyboard(live_server, page, gallery_article):
    """Tab to a picture, Enter, arrows, Escape: focus comes back to that picture."""
    page.emulate_media(reduced_motion="reduce")
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(live_server.url + gallery_article.get_absolute_url())
    openers = page.locator(".gallery__open")
    assert openers.count() == 3
    # Keyboard only: Tab from the picture before it to the second picture.
    openers.nth(0).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Open picture 2 of 3 in the viewer"
    )
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.gallery-viewer")
    assert dialog.evaluate("d => d.open")
    assert status(page) == "2 of 3"
    assert page.locator(".gallery-viewer__status").get_attribute("role") == "status"
    assert "Caption 2" in page.locator(".gallery-viewer__stage").text_content()
    page.keyboard.press("ArrowRight")
    assert status(page) == "3 of 3"
    page.keyboard.press("ArrowRight")
    assert status(page) == "1 of 3"
    page.keyboard.press("ArrowLeft")
    assert status(page) == "3 of 3"
    assert "Caption 3" in page.locator(".gallery-viewer__stage").text_content()
    # Reduced motion: the picture comes in without animation.
    assert page.locator(".gallery-viewer__picture--enter").count() == 0
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Open picture 2 of 3 in the viewer"
    )
    assert errors == []


def test_gallery_without_javascript_shows_every_picture_in_order(
    live_server, browser, gallery_article
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + gallery_article.get_absolute_url())
    alts = page.locator(".gallery img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert alts == ["Goal 1", "Goal 2", "Goal 3"]
    lazy = page.locator(".gallery img").evaluate_all(
        "imgs => imgs.every(i => i.loading === 'lazy')"
    )
    assert lazy
    assert page.locator(".gallery__open").count() == 0
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_with_every_element_is_accessible(
    live_server, page, assert_accessible, scheme
):
    """WCAG 2.2 AA and axe's best practices, at 390 and 1280px, in both schemes."""
    pictures = [
        make_image(file=image_upload(width=480, height=270), alt_text=f"Pier {n}")
        for n in range(3)
    ]
    other = make_article(title="Harbour plan explained", lead_image=pictures[0])
    article = make_article(
        body=EVERY_ELEMENT.format(
            picture=pictures[0].pk,
            first=pictures[1].pk,
            second=pictures[2].pk,
            article=other.pk,
        )
    )
    page.emulate_media(color_scheme=scheme)
    results = assert_accessible(live_server.url + article.get_absolute_url())
    assert len(results["passes"]) > 10, "axe ran hardly any checks"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"


def test_viewer_buttons_lie_over_pictures_that_stay_where_they_are(
    live_server, page, gallery_article
):
    """
    The script moves no picture (none is fetched, decoded or painted again):
    it lays a button over each, starts once the page has loaded, and makes
    the viewer only when it is first opened. Pictures after the first are
    rendered only near the view.
    """
    page.add_init_script(
        """
        window.picturesMoved = 0;
        new MutationObserver((records) => {
          for (const record of records) {
            for (const node of record.removedNodes) {
              if (node.nodeName === "PICTURE" || node.nodeName === "IMG") {
                window.picturesMoved += 1;
              }
            }
          }
        }).observe(document, {childList: true, subtree: true});
        """
    )
    page.set_viewport_size({"width": 412, "height": 823})
    page.goto(live_server.url + gallery_article.get_absolute_url())
    assert page.locator(".gallery__open").count() == 3
    assert page.evaluate("window.picturesMoved") == 0
    assert page.locator("dialog.gallery-viewer").count() == 0
    on_top = page.evaluate(
        """() => Array.from(document.querySelectorAll('.gallery__item picture'))
          .map((picture) => {
            const box = picture.getBoundingClientRect();
            picture.scrollIntoView();
            const again = picture.getBoundingClientRect();
            const hit = document.elementFromPoint(
              again.left + again.width / 2, again.top + again.height / 2);
            return hit.classList.contains('gallery__open') && box.height > 0;
          })"""
    )
    assert on_top == [True, True, True]
    visibility = page.locator(".gallery__item").evaluate_all(
        "items => items.map(i => getComputedStyle(i).contentVisibility)"
    )
    assert visibility == ["visible", "auto", "auto"]
    page.locator(".gallery__open").nth(2).click()
    assert page.locator("dialog.gallery-viewer").evaluate("d => d.open")
    assert status(page) == "3 of 3"
