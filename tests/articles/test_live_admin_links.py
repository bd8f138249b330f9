"""
From the article's form to its live posting page and back, and the article
list saying which articles are live coverage.
"""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.live_factories import make_live_article
from tests.factories import make_article, make_author, make_editor, make_member
from tests.html import parse, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def posting_url(article):
    return reverse("admin:articles_article_live", args=[article.pk])


def post_updates_links(client, article):
    response = client.get(change_url(article))
    assert response.status_code == 200
    return [
        a["href"]
        for a in parse(response).select(".object-tools a")
        if text(a) == "Post updates"
    ]


def test_a_live_articles_form_links_to_its_posting_page(client):
    client.force_login(make_editor())
    article = make_live_article()
    assert post_updates_links(client, article) == [posting_url(article)]
    assert post_updates_links(client, make_article()) == []


def test_the_link_is_only_for_those_who_may_post(client):
    """A contributor may edit the article but not post to it: no link."""
    author = make_author(name="Kim Walsh")
    client.force_login(make_member("kim", "Contributor", author=author))
    article = make_live_article(authors=[author])
    assert post_updates_links(client, article) == []


def test_the_posting_page_links_back_to_the_articles_form(client):
    client.force_login(make_editor())
    article = make_live_article()
    page = parse(client.get(posting_url(article)))
    back = [a["href"] for a in page.select("#content-main a") if "Back" in text(a)]
    assert back == [change_url(article)]


def test_the_article_list_says_which_articles_are_live_coverage(client):
    client.force_login(make_editor())
    make_live_article(title="Storm live")
    make_live_article(title="Count live", live_state=Article.LiveState.ENDED)
    make_article(title="Budget day")
    rows = {
        text(row.select_one(".field-title")): text(row.select_one(".field-state"))
        for row in parse(client.get(CHANGELIST)).select("#result_list tbody tr")
    }
    assert rows["Storm live"].endswith("Live coverage")
    assert rows["Count live"].endswith("Live coverage ended")
    assert "coverage" not in rows["Budget day"]
    live_only = parse(client.get(CHANGELIST + "?live_state=live"))
    titles = [text(cell) for cell in live_only.select("#result_list .field-title")]
    assert titles == ["Storm live"]
