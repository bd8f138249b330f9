"""
A reader in a real Chromium: the front page's hierarchy at desktop width,
sharing that loads nothing from elsewhere, and a keyboard-only walk from an
article to a newsletter sign-up and a home delivery request with the focus
always in sight.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from subscriptions.delivery import delivery_earliest_start
from subscriptions.demo import create_demo_newsletters
from subscriptions.models import DeliveryRequest, Subscription
from tests.browser.conftest import serve_media
from tests.factories import make_article, make_author, make_image, make_section
from tests.subscriptions.factories import make_delivery_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element and how its focus shows: a solid outline of 2px or more.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "",
    value: el.getAttribute("value") || "",
    href: el.getAttribute("href") || "",
    text: (el.textContent || "").trim().slice(0, 40),
    promo: el.closest(".newsletter-promo, .delivery-promo")?.className || "",
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    onScreen: box.width > 0 && box.height > 0,
  };
}"""


@pytest.fixture
def paper():
    news = make_section(name="News", slug="news")
    sport = make_section(name="Sport", slug="sport", position=2)
    author = make_author(name="Aoife Brennan", slug="aoife-brennan")
    now = timezone.now()
    articles = [
        make_article(
            section=news if n % 2 else sport,
            title=f"Council approves the harbour plan, part {n}",
            slug=f"harbour-plan-{n}",
            lead_image=make_image(alt_text=f"The harbour, view {n}"),
            authors=[author],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(12)
    ]
    create_demo_newsletters()
    make_delivery_area(name="Athlone", routing_keys=["N37"])
    return articles


def open_page(browser, url, width=1280, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.route("**/media/**", serve_media)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url
    return page, requested


def test_home_page_lead_is_wider_than_its_other_cards_on_desktop(
    live_server, browser, paper
):
    """At 1280px the lead spans the page, wider than any other card."""
    page, _ = open_page(browser, live_server.url + reverse("articles:home"))
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.card')].map(card =>"
        " [card.classList.contains('card--lead'), card.getBoundingClientRect().width])"
    )
    lead = [width for is_lead, width in widths if is_lead]
    others = [width for is_lead, width in widths if not is_lead]
    assert len(lead) == 1 and len(others) >= 3
    assert lead[0] > 2 * max(others)
    latest = page.locator(".front-latest").bounding_box()
    top = page.locator(".front-top").bounding_box()
    # The latest headlines stand in a column beside the top stories.
    assert latest["x"] > top["x"] + top["width"] - 1
    page.context.close()


def test_article_page_loads_nothing_from_other_sites_and_shares_its_address(
    live_server, browser, paper
):
    """Every request the page makes goes to the paper; share links do not."""
    article = paper[0]
    page, requested = open_page(browser, live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    origin = urlsplit(live_server.url).netloc
    assert requested
    assert {urlsplit(url).netloc for url in requested} == {origin}
    assert page.context.cookies() == []
    hrefs = page.eval_on_selector_all(".share a", "links => links.map(a => a.href)")
    assert len(hrefs) == 5
    for href in hrefs:
        assert "harbour-plan-0" in href
    page.context.close()


def step(page, seen):
    """Tab once; return the focused element, having checked its focus shows."""
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    seen.append(focus)
    assert focus["onScreen"], focus
    assert focus["outline"] not in ("none", "") and focus["outlineWidth"] >= 2, (
        f"focus is not visible on {focus}"
    )
    return focus


def tab_to(page, seen, wanted, limit=80):
    for _ in range(limit):
        focus = step(page, seen)
        if wanted(focus):
            return focus
    raise AssertionError(f"never reached by Tab; went through {seen[-10:]}")


@pytest.mark.parametrize("width", [390, 1280])
def test_reader_signs_up_and_asks_for_delivery_by_keyboard_alone(
    live_server, browser, paper, width
):
    """
    From an article, Tab to the newsletter sign-up, fill it in and send it;
    then Tab to the home delivery offer and fill in the request. Every stop
    on the way shows where the focus is.
    """
    article_url = live_server.url + paper[0].get_absolute_url()
    # en-US: the date field takes month, day, year.
    page, _ = open_page(browser, article_url, width, locale="en-US")
    seen = []

    tab_to(page, seen, lambda f: f["promo"].endswith("newsletter-promo") and f["name"])
    assert page.evaluate("document.activeElement.type") == "email"
    page.keyboard.type("reader@example.com")
    assert step(page, seen)["name"] == "consent"
    page.keyboard.press("Space")
    assert step(page, seen)["tag"] == "button"
    page.keyboard.press("Enter")
    page.wait_for_url("**/newsletters/check-your-inbox/")
    assert Subscription.objects.get().email == "reader@example.com"
    assert len(mail.outbox) == 1

    page.goto(article_url)
    tab_to(page, seen, lambda f: f["href"].startswith("/delivery/"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/delivery/")

    start = delivery_earliest_start() + timedelta(days=2)
    typed = {
        "name": "Máire Ní Bhriain",
        "email": "maire@example.ie",
        "phone": "087 123 4567",
        "address_line_1": "12 Church Street",
        "town": "Athlone",
        "county": "Westmeath",
        "eircode": "N37 X2Y3",
        "start_date": start.strftime("%m%d%Y"),
    }
    ticked = {("delivery_days", "mon"), ("delivery_days", "sat"), ("terms", "")}
    for _ in range(60):
        focus = step(page, seen)
        key = (focus["name"], focus["value"] if focus["type"] == "checkbox" else "")
        if focus["name"] in typed:
            page.keyboard.type(typed.pop(focus["name"]))
        elif key in ticked:
            ticked.discard(key)
            page.keyboard.press("Space")
        elif focus["tag"] == "button" and focus["text"] == "Request delivery":
            break
    assert not typed and not ticked, (typed, ticked)
    assert page.locator("#id_start_date").input_value() == start.isoformat()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you, we have your request").wait_for()

    request = DeliveryRequest.objects.get()
    assert request.delivery_days == ["mon", "sat"]
    assert page.get_by_text("on the days you chose: Mondays and Saturdays").is_visible()
    # Links, fields, boxes and buttons were all among the stops.
    assert {"a", "input", "button"} <= {focus["tag"] for focus in seen}
    page.context.close()
