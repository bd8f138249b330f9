"""
Pictures still waiting for the worker, in a real Chromium: the reading pages
show their small JPEG, every picture loads, and nothing shifts as they do.
"""

import pytest

from articles.models import Image
from tests.browser.test_reading_pages import CUMULATIVE_LAYOUT_SHIFT, open_page
from tests.factories import image_upload, make_article, make_image, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_waiting_pictures_load_their_small_jpeg_without_shifting_the_page(
    live_server, browser, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    news = make_section(name="News", slug="news")
    article = None
    for n in range(3):
        article = make_article(
            section=news,
            title=f"Harbour works begin, day {n}",
            slug=f"harbour-works-{n}",
            lead_image=make_image(
                file=image_upload(width=2400, height=1600),
                alt_text=f"Cranes on the quay, {n}",
            ),
        )
    assert not Image.objects.exclude(renditions_status="waiting").exists()
    for width in (320, 1280):
        for path in (article.get_absolute_url(), news.get_absolute_url()):
            page, problems = open_page(browser, live_server.url + path, width)
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('main img'))"
                ".every(img => img.complete && img.naturalWidth > 0)"
            )
            sources = page.evaluate(
                "Array.from(document.querySelectorAll('main img'), i => i.currentSrc)"
            )
            assert sources and all("-800" in source for source in sources), sources
            assert problems == [], (path, width, problems)
            assert page.evaluate(CUMULATIVE_LAYOUT_SHIFT) < 0.01, (path, width)
            page.context.close()
