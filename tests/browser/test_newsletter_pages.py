"""
Newsletter promos and pages in a real Chromium: accessible, within the CSP,
and a sign-up that goes from the article page to a confirmed subscription.
"""

import re

import pytest
from django.core import mail

from subscriptions.demo import create_demo_newsletters
from subscriptions.models import Subscription
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article_url():
    create_demo_newsletters()
    return make_article(title="Council approves the harbour plan").get_absolute_url()


def watch_for_problems(page):
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    return problems


def test_article_page_with_promos_and_newsletters_page_are_accessible(
    live_server, assert_accessible, article_url, page
):
    """axe finds no WCAG or best-practice problem; nothing overflows a phone."""
    for path in [article_url, "/newsletters/"]:
        assert_accessible(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, path


def test_reader_signs_up_on_an_article_and_confirms_in_the_browser(
    live_server, article_url, page, assert_accessible
):
    """Form on the article page → check-your-inbox → emailed link → button."""
    problems = watch_for_problems(page)
    page.goto(live_server.url + article_url)
    promo = page.locator("#newsletter-news-wrap")
    promo.get_by_label("Email address").fill("reader@example.com")
    promo.get_by_role("checkbox").check()
    promo.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/newsletters/check-your-inbox/")
    assert page.get_by_role("heading", name="Check your inbox").is_visible()

    [message] = mail.outbox
    link = re.search(r"https?://\S+(/newsletters/confirm/\S+/)", message.body)
    assert_accessible(live_server.url + link.group(1))
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    page.get_by_role("button", name="Yes, confirm my subscription").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()

    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
    assert problems == []
