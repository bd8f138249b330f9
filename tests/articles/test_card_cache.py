"""
Article cards are kept rendered, under a key made of everything they show:
a page rendered again renders only the cards that changed, and a change made
any way at all (even behind the ORM's back) shows on the next render.
"""

import uuid

import pytest
from django.db import connection

from articles import cards
from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"cards-{uuid.uuid4().hex}",
        }
    }
    # The cards alone: the list page's parts around them are kept under the
    # content version (tests/articles/test_list_fragments.py), which only a
    # change made through the ORM replaces.
    settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture
def cards_written(monkeypatch):
    """The headlines of the cards article_cards writes (card_html), in order."""
    written = []
    card_html = cards.card_html

    def writing(card, **how):
        written.append(card["title"])
        return card_html(card, **how)

    monkeypatch.setattr(cards, "card_html", writing)
    return written


@pytest.fixture
def section():
    section = make_section(name="Harbour")
    author = make_author(name="Aoife Byrne")
    for n in range(3):
        make_article(section=section, authors=[author], title=f"Harbour story {n}")
    return section


def test_a_page_rendered_again_writes_no_unchanged_card(client, section, cards_written):
    url = section.get_absolute_url()
    first = client.get(url)
    assert sorted(cards_written) == [f"Harbour story {n}" for n in range(3)]
    cards_written.clear()
    again = client.get(url)
    assert cards_written == []
    assert again.content == first.content
    make_article(section=section, title="Harbour story 3")
    client.get(url)
    # The new story leads; the former lead moves into the grid at card size.
    assert cards_written == ["Harbour story 3", "Harbour story 2"]


def execute(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_changes_made_behind_the_orms_back_still_show_on_the_cards(client, section):
    """No signal, no version bump: the card key is made from the rows read."""
    url = section.get_absolute_url()
    client.get(url)
    execute(
        "UPDATE articles_article SET title = %s WHERE title = %s",
        "Harbour story renamed",
        "Harbour story 1",
    )
    execute("UPDATE articles_author SET name = %s", "Aoife Byrne-Walsh")
    page = client.get(url).text
    assert "Harbour story renamed" in page
    assert "Aoife Byrne-Walsh" in page
    assert "Aoife Byrne<" not in page


def test_a_new_picture_shows_on_the_card(client, section):
    url = section.get_absolute_url()
    client.get(url)
    article = Article.objects.filter(section=section).first()
    image = make_image(alt_text="Boats in the harbour at dawn")
    execute(
        "UPDATE articles_article SET lead_image_id = %s WHERE id = %s",
        image.pk,
        article.pk,
    )
    assert "Boats in the harbour at dawn" in client.get(url).text


def test_cards_shown_differently_are_kept_apart(client, section):
    """The section page's cards carry no section label; an author page's do."""
    client.get(section.get_absolute_url())
    author = Article.objects.filter(section=section).first().authors.get()
    page = client.get(author.get_absolute_url()).text
    assert f'<p class="kicker"><a href="{section.get_absolute_url()}">' in page
