"""The articles of a list page: a section's, an author's, a tag's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def titles(articles):
    return [article.title for article in articles]


@pytest.fixture
def harbour():
    """A section, an author and a tag, each with articles of its own and others'."""
    now = timezone.now()
    section, elsewhere = make_section(), make_section()
    author, other = make_author(), make_author()

    def article(title, hours, **kwargs):
        return make_article(
            title=title, published_at=now - timedelta(hours=hours), **kwargs
        )

    article("Oldest", 5, section=section, authors=[author], tags=["ferries"])
    article("Older", 4, section=section, authors=[author], tags=["ferries"])
    article("Newer", 3, section=section, authors=[author], tags=["ferries"])
    article("Newest", 2, section=section, authors=[author], tags=["ferries"])
    article("Elsewhere", 1, section=elsewhere, authors=[other], tags=["gales"])
    article("Scheduled", -1, section=section, authors=[author], tags=["ferries"])
    tag = Article.objects.get(title="Oldest").tags.get()
    return {"section": section.pk, "author": author.pk, "tag": tag.pk}


@pytest.mark.parametrize("about", ["section", "author", "tag"])
def test_a_list_pages_articles_are_its_subjects_live_ones_newest_first(harbour, about):
    latest = Article.objects.latest_cards
    assert titles(latest(about, harbour[about], slice(0, 3))) == [
        "Newest",
        "Newer",
        "Older",
    ]
    assert titles(latest(about, harbour[about], slice(3, 6))) == ["Oldest"]
    later = timezone.now() + timedelta(hours=2)
    assert titles(latest(about, harbour[about], slice(0, 1), later)) == ["Scheduled"]


@pytest.mark.parametrize("about", ["section", "author", "tag"])
def test_a_list_pages_articles_come_ready_for_their_cards(
    harbour, about, django_assert_num_queries
):
    Article.objects.latest_cards(about, harbour[about], slice(0, 2))
    with django_assert_num_queries(1):
        newest, _ = Article.objects.latest_cards(about, harbour[about], slice(0, 2))
        assert newest.section.name and newest.ordered_bylines()[0].author.name


def test_each_slice_of_a_list_is_compiled_once_for_every_subject(harbour):
    latest = Article.objects.latest_cards
    latest("section", harbour["section"], slice(0, 21))
    kept = dict(Article.objects._latest_cards)
    latest("section", make_section().pk, slice(0, 21))
    latest("section", harbour["section"], slice(0, 21), timezone.now())
    assert Article.objects._latest_cards == kept
