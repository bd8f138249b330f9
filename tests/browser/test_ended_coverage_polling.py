"""
An open live page stops asking for updates once an answer says the coverage
has ended: no more polls, not even when the tab is shown again.
"""

import pytest

from articles.models import Article
from tests.articles.live_factories import make_entry, make_live_article
from tests.browser.test_live_coverage import updates_asked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOW_AGAIN = """() => {
    for (const hidden of [true, false]) {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }
}"""


def test_an_ended_answer_stops_the_polling_for_good(page, live_server):
    article = make_live_article()
    make_entry(article)
    page.clock.install()
    asked = updates_asked(page)
    page.goto(live_server.url + article.get_absolute_url())
    page.clock.run_for(15_000)
    page.wait_for_timeout(300)
    assert len(asked) == 1  # still live: it goes on asking

    article.live_state = Article.LiveState.ENDED
    article.save()
    page.clock.run_for(15_000)
    news = page.locator(".live__news")
    news.filter(has_text="This live coverage has ended.").wait_for()
    assert len(asked) == 2

    page.clock.run_for(120_000)
    page.evaluate(SHOW_AGAIN)
    page.clock.run_for(60_000)
    page.wait_for_timeout(300)
    assert len(asked) == 2
