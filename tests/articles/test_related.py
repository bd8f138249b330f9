"""Related reading under an article: shared tags first, then the newest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Section
from tests.factories import make_article, make_author, make_image, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db


def story(title, age_hours, tags, section=None, **kwargs):
    return make_article(
        title=title,
        tags=tags,
        section=section or make_section(),
        published_at=timezone.now() - timedelta(hours=age_hours),
        **kwargs,
    )


def related_titles(client, article):
    page = parse(client.get(article.get_absolute_url()))
    return [text(a) for a in page.select("#related-reading ~ ul .card__title a")]


def test_related_reading_ranks_by_shared_tags_then_recency(client):
    article = story("The article", 1, ["harbour", "council", "budget"])
    story("Shares one, newest", 2, ["harbour"])
    story("Shares two, older", 50, ["harbour", "council"])
    story("Shares three, oldest", 90, ["harbour", "council", "budget"])
    story("Shares one, older", 60, ["budget"])
    story("Shares one, oldest", 100, ["council"])
    story("Shares nothing", 3, ["sport"])
    assert related_titles(client, article) == [
        "Shares three, oldest",
        "Shares two, older",
        "Shares one, newest",
        "Shares one, older",
    ]


def test_related_reading_never_repeats_the_article_or_more_in_its_section(client):
    section = make_section()
    article = story("The article", 5, ["harbour"], section=section)
    story("Same section, also tagged", 1, ["harbour"], section=section)
    story("Other section, tagged", 2, ["harbour"])
    page = parse(client.get(article.get_absolute_url()))
    more = [text(a) for a in page.select("#more-in-section ~ ul .card__title a")]
    assert more == ["Same section, also tagged"]
    assert related_titles(client, article) == ["Other section, tagged"]


def test_related_reading_holds_only_live_articles(client):
    article = story("The article", 5, ["harbour"])
    story("Draft", 1, ["harbour"], status=Article.Status.DRAFT)
    story("Scheduled", -2, ["harbour"])
    assert related_titles(client, article) == []
    page = parse(client.get(article.get_absolute_url()))
    assert page.select_one("#related-reading") is None


def test_an_older_story_of_the_same_section_may_be_related_reading(client):
    """
    Past the four latest of its section (more in the section), an older
    story of the same section sharing its tags is related reading, and more
    in the section stays newest first.
    """
    section = make_section()
    article = story("The article", 1, ["harbour"], section=section)
    for age in range(2, 6):
        story(f"Latest {age}", age, ["sport"], section=section)
    story("Same section, older, tagged", 20, ["harbour"], section=section)
    story("Other section, tagged", 10, ["harbour"])
    page = parse(client.get(article.get_absolute_url()))
    more = [text(a) for a in page.select("#more-in-section ~ ul .card__title a")]
    assert more == ["Latest 2", "Latest 3", "Latest 4", "Latest 5"]
    assert related_titles(client, article) == [
        "Other section, tagged",
        "Same section, older, tagged",
    ]


def test_each_candidate_for_related_reading_is_an_article_however_many_tags_it_shares():
    """
    The newest `candidates` articles sharing a tag are ranked: one sharing
    three tags takes one place among them, not three.
    """
    article = story("The article", 5, ["harbour", "council", "budget"])
    story("Shares three, newest", 1, ["harbour", "council", "budget"])
    story("Shares one, older", 2, ["harbour"])
    story("Shares one, oldest", 3, ["council"])
    more, related = Article.objects.published().around(article, candidates=2)
    assert more == []
    assert [a.title for a in related] == ["Shares three, newest", "Shares one, older"]


def test_related_reading_far_older_than_the_newest_articles_is_found(client):
    """
    When the newest articles hold too few sharing its tags, older ones are
    found however far back: the same cards, ranked the same way.
    """
    article = story("The article", 1, ["harbour", "council"])
    for age in range(2, 5):
        story(f"Untagged {age}", age, ["sport"])
    story("Shares one, older", 10, ["harbour"])
    story("Shares two, oldest", 20, ["harbour", "council"])
    story("Shares one, oldest", 30, ["council"])
    assert related_titles(client, article) == [
        "Shares two, oldest",
        "Shares one, older",
        "Shares one, oldest",
    ]


def test_more_in_its_section_takes_no_place_among_the_candidates():
    """
    The newest `candidates` are counted after more in the section is set
    aside: a newer tagged story of the same section does not crowd out an
    older one of another.
    """
    section = make_section()
    article = story("The article", 5, ["harbour"], section=section)
    story("Same section, tagged", 1, ["harbour"], section=section)
    story("Other section, tagged", 2, ["harbour"])
    more, related = Article.objects.published().around(article, candidates=1)
    assert [a.title for a in more] == ["Same section, tagged"]
    assert [a.title for a in related] == ["Other section, tagged"]


def test_articles_not_live_take_no_place_among_the_candidates():
    article = story("The article", 5, ["harbour"])
    story("Draft", 1, ["harbour"], status=Article.Status.DRAFT)
    story("Scheduled", -2, ["harbour"])
    story("Live, older", 10, ["harbour"])
    _, related = Article.objects.published().around(article, candidates=1)
    assert [a.title for a in related] == ["Live, older"]


def test_related_reading_published_at_the_same_moment_ranks_the_later_added_first():
    """Ties in shared tags and publication time go to the higher id, in the
    ranking and at the candidates' cut alike."""
    article = story("The article", 5, ["harbour", "council"])
    moment = timezone.now() - timedelta(hours=2)
    first = make_article(title="Added first", tags=["harbour"], published_at=moment)
    second = make_article(title="Added second", tags=["harbour"], published_at=moment)
    assert first.pk < second.pk
    _, related = Article.objects.published().around(article)
    assert [a.title for a in related] == ["Added second", "Added first"]
    _, related = Article.objects.published().around(article, candidates=1)
    assert [a.title for a in related] == ["Added second"]


def test_an_untagged_article_has_more_in_its_section_and_no_related_reading():
    section = make_section()
    article = story("The article", 5, [], section=section)
    story("Same section", 1, ["harbour"], section=section)
    story("Other section", 2, ["harbour"])
    more, related = Article.objects.published().around(article)
    assert [a.title for a in more] == ["Same section"]
    assert related == []


def test_the_cards_under_articles_with_as_many_tags_are_each_their_own():
    """
    The article page's cards (cards_around), whose SQL is compiled once for
    each number of tags, are those of each article, section and tags asked.
    """
    first_section, second_section = make_section(), make_section()
    first = story("First", 5, ["harbour", "council"], section=first_section)
    second = story("Second", 5, ["sport", "budget"], section=second_section)
    story("First's section", 1, ["weather"], section=first_section)
    story("Second's section", 1, ["weather"], section=second_section)
    story("Shares the harbour", 2, ["harbour"])
    story("Shares the budget", 2, ["budget"])
    for article in (first, second, first):
        more, related = Article.objects.cards_around(article)
        assert (more, related) == Article.objects.published().around(article)
    more, related = Article.objects.cards_around(second)
    assert [a.title for a in more] == ["Second's section"]
    assert [a.title for a in related] == ["Shares the budget"]


def card_values(cards):
    """What a card shows of each article, and what ranks it."""
    return [
        (
            card.pk,
            card.title,
            card.slug,
            card.standfirst,
            card.published_at,
            card.shared,
            card.section.slug,
            card.lead_image and (card.lead_image.file.name, card.lead_image.alt_text),
            [(b.author.name, b.author.slug, b.role) for b in card.ordered_bylines()],
        )
        for card in cards
    ]


@pytest.mark.parametrize("frame_kept", [True, False])
def test_the_cards_under_an_article_are_those_of_the_queryset_read_ready(
    settings, django_assert_num_queries, frame_kept
):
    """
    cards_around() reads, in SQL of its own, the cards around() defines,
    for articles with many, rare and no tags: each with its picture,
    section, bylines and shared tags, and nothing left to read.
    """
    if not frame_kept:
        settings.FRAGMENT_CACHE_SECONDS = 0
    section, other = make_section(), make_section()
    writer, reporter = make_author(name="Ann Writer"), make_author(name="Rob Reporter")
    picture = make_image(alt_text="The harbour at dawn")
    common = ["harbour", "council", "budget", "sport"]
    many = story("Many tags", 5, common, section=section)
    rare = story("A rare tag", 5, ["lighthouse"], section=other)
    untagged = story("No tags", 5, [], section=section)
    for n in range(12):
        story(
            f"Story {n}",
            n + 0.5,
            common[: n % 4 + 1] + (["lighthouse"] if n == 9 else []),
            section=(section, other)[n % 2],
            lead_image=picture if n % 3 else None,
            authors=[writer, (reporter, "reporter")][: n % 3],
        )
    Section.objects.in_menu()  # the site frame, which every page reads first
    found = {}
    for article in (many, rare, untagged):
        article = Article.objects.prefetch_related("tagged_items").get(pk=article.pk)
        expected = Article.objects.published().around(article)
        with django_assert_num_queries(1):
            cards = Article.objects.cards_around(article)
        assert cards == expected
        with django_assert_num_queries(0):
            read = [card_values(part) for part in cards]
        assert read == [card_values(part) for part in expected]
        found[article.title] = [[card.title for card in part] for part in cards]
    assert found["Many tags"][1] == ["Story 3", "Story 7", "Story 11", "Story 6"]
    assert found["A rare tag"][1] == ["Story 9"]
    assert found["No tags"] == [["Story 0", "Story 2", "Story 4", "Many tags"], []]
