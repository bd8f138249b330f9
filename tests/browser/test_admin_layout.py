"""
The article admin at a laptop's 1280 pixels: the list's date column in view,
headlines on at most two lines, the body's word count live while typing, and
the planning calendar free of WCAG barriers.
"""

from datetime import date

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_scan, format_violations
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_image,
    make_section,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280


@pytest.fixture
def desk(transactional_db):
    """
    A list as a desk has it: long headlines, long bylines, pictures, a planned
    story. Made before the browser starts (Playwright's loop forbids the ORM).
    """
    section = make_section(name="Business and the economy")
    picture = make_image(file=image_upload("lead.jpg", 800, 600))
    for n in range(6):
        make_article(
            title=f"Harbour authority confirms the long-delayed dredging of the "
            f"inner basin will begin before the summer season, story {n}",
            section=section,
            lead_image=picture,
            authors=[
                make_author(name=f"Aoife Ní Bhriain-Fitzgerald {n}"),
                make_author(name=f"Maximilian Oyelaran-Doherty {n}"),
            ],
        )
    make_article(
        title="Budget reaction from the ports",
        status="draft",
        planned_for=date(2030, 3, 5),
        section=section,
    )


@pytest.fixture
def picture(transactional_db):
    return make_image(file=image_upload("wide.jpg", 1600, 1000))


def test_article_list_keeps_its_date_column_in_view_at_1280_pixels(
    live_server, desk, editor_page
):
    """
    With long headlines and bylines the publication time is still on screen
    without scrolling sideways, and each headline takes one or two lines.
    """
    page = editor_page
    page.goto(live_server.url + reverse("admin:articles_article_changelist"))
    header = page.locator("#result_list th.column-published_at")
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH, box
    for cell in page.locator("#result_list td.field-published_at").all():
        cell_box = cell.bounding_box()
        assert cell_box["x"] + cell_box["width"] <= WIDTH, cell_box
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for link in page.locator("#result_list .field-title a").all():
        lines = link.evaluate(
            "a => Math.round(a.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(a).lineHeight))"
        )
        assert 1 <= lines <= 2, lines
    assert page.locator("#result_list img.newsroom-thumbnail").count() == 6
    assert page.evaluate("window.cspViolations") == []


def test_word_count_follows_the_body_as_the_editor_types(live_server, editor_page):
    """The count under the body changes with each word typed, under the CSP."""
    page = editor_page
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    count = page.locator('.word-count[data-word-count-for="id_body"]')
    assert count.inner_text() == "0 words"
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for(state="visible", timeout=10_000)
    editor.click()
    page.keyboard.type("The council met")
    page.wait_for_function(
        "document.querySelector('.word-count').textContent === '3 words'",
        timeout=5_000,
    )
    page.keyboard.press("Enter")
    page.keyboard.type("on Tuesday.")
    page.wait_for_function(
        "document.querySelector('.word-count').textContent === '5 words'",
        timeout=5_000,
    )
    assert page.evaluate("window.cspViolations") == []
    assert page.errors == []


def test_planning_calendar_meets_wcag(live_server, desk, editor_page, axe_source):
    """The calendar page has no WCAG 2.2 AA barrier (axe) and runs under the CSP."""
    page = editor_page
    url = reverse("admin:articles_article_calendar") + "?week=2030-03-04"
    page.goto(live_server.url + url)
    assert "Budget reaction from the ports" in page.inner_text("#content-main")
    results = axe_scan(page, axe_source)
    assert not results["violations"], format_violations(results["violations"])
    assert page.evaluate("window.cspViolations") == []


def test_clicking_the_picture_sets_its_focal_point(live_server, picture, editor_page):
    """
    On the image's page a click on the picture saves the spot as the focal
    point (an <input type="image">, no script) and comes back to the page.
    """
    page = editor_page
    url = live_server.url + reverse("admin:articles_image_change", args=[picture.pk])
    page.goto(url)
    picker = page.locator('input[type="image"][name="focal_point"]')
    assert picker.bounding_box()["width"] == 800
    picker.click(position={"x": 600, "y": 100})
    page.wait_for_url(url)
    assert "Focal point set" in page.inner_text(".messagelist")
    assert "Now 75% from the left, 20% from the top." in page.inner_text(
        "#content-main"
    )
    assert page.locator("#id_focal_point_x").input_value() == "0.75"
    assert page.evaluate("window.cspViolations") == []
