"""
The demo's editions as a mail client draws them, in Chromium at a 600-pixel
reading pane and a 360-pixel phone: nothing is wider than the window.
"""

import pytest

from tests.articles.test_load_demo import DEMO_WORKER
from tests.browser.conftest import (
    WCAG_AND_BEST_PRACTICE,
    axe_scan,
    format_violations,
    serve_media,
)
from tests.subscriptions.test_demo_editions import demo_messages, demo_paper  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db, DEMO_WORKER]

WIDTHS = [600, 360]

# Each visible element's right edge, and the page's scrolling width.
MEASURE = """() => {
  const width = window.innerWidth;
  const over = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      const name = `${element.tagName.toLowerCase()}.${element.className}`;
      over.push(`${name} ends at ${box.right}`);
    }
  }
  return {
    width,
    scrollWidth: document.scrollingElement.scrollWidth,
    over,
    pictures: [...document.images].map(
      img => [img.naturalWidth, img.getBoundingClientRect().width]
    ),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_editions_fit_a_reading_pane_and_a_phone(
    browser,
    width,
    tmp_path,
    settings,
    demo_paper,  # noqa: F811
):
    """
    Each demo edition, pictures loaded, screenshotted at the width: the page
    does not scroll sideways and no element ends past the window's edge.
    """
    settings.MEDIA_ROOT = demo_paper
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/media/**", serve_media)
    page = context.new_page()
    try:
        for edition, _, _, html in demo_messages():
            page.set_content(html, wait_until="load")
            page.screenshot(
                path=tmp_path / f"{edition.newsletter.slug}-{width}.png", full_page=True
            )
            measured = page.evaluate(MEASURE)

            assert measured["scrollWidth"] <= measured["width"], measured["over"]
            assert not measured["over"], "\n".join(measured["over"])
            # The pictures arrived and are drawn no wider than the window.
            assert measured["pictures"]
            for natural, shown in measured["pictures"]:
                assert natural > 0
                assert 0 < shown <= width
            assert (tmp_path / f"{edition.newsletter.slug}-{width}.png").stat().st_size
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_demo_editions_read_well_in_light_and_dark_clients(
    browser,
    axe_source,
    scheme,
    settings,
    demo_paper,  # noqa: F811
):
    """
    axe finds nothing wrong with the mail where the client follows the
    light or the dark scheme: contrast of every colour, alt text, the
    language, link names, headings in order (axe's best practices, but
    for page landmarks a mail does not have).
    """
    settings.MEDIA_ROOT = demo_paper
    context = browser.new_context(viewport={"width": 600, "height": 900})
    context.route("**/media/**", serve_media)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    try:
        for _, _, _, html in demo_messages():
            page.set_content(html, wait_until="load")
            results = axe_scan(
                page,
                axe_source,
                WCAG_AND_BEST_PRACTICE,
                rules={
                    "color-contrast-enhanced": True,
                    # A mail is one column of content: no page landmarks.
                    "region": False,
                    "landmark-one-main": False,
                },
            )
            assert not results["violations"], format_violations(results["violations"])
            assert len(results["passes"]) > 10
    finally:
        context.close()
