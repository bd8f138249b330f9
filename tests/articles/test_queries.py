"""SQL budgets of the reading pages: bounded, and constant in the data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction
from tests.articles.live_factories import make_entry
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_image,
    make_section,
)
from tests.kept import forget_everything_kept

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_BUDGET = 10
LISTING_PAGE_BUDGET = 12
# What the pages need now, below DESIGN.md's budgets, pinned so that a query
# added to a cold render shows. An article page reads its corrections only
# when its row says it has some: one query fewer without. Its tags, bylines
# and what its body refers to come with its row (a live article's page reads
# its body's and its entries' references in a query of their own, when its
# row says there are some), and so do each card's bylines; the newsletters
# its offer shows come with the site frame's (navigation.frame_part).
ARTICLE_PAGE_QUERIES = 4
LISTING_PAGE_QUERIES = {"home": 4, "section": 2, "author": 3, "tag": 3}


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """A cache of this module's own, emptied before each measured request."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "query-budgets",
        }
    }


def count_queries(client, url, budget, assert_max_queries):
    """Queries of one request with nothing cached: the worst case."""
    forget_everything_kept()
    with assert_max_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def article_page_queries(client, article, assert_max_queries):
    """The queries of a cold render of `article`'s page."""
    return count_queries(
        client, article.get_absolute_url(), ARTICLE_PAGE_BUDGET, assert_max_queries
    )


def small_image():
    """A picture narrow enough for one rendition width: keeps these tests quick."""
    return make_image(file=image_upload(width=480, height=270))


def make_story(section, authors=(), tags=(), age=1):
    return make_article(
        section=section,
        authors=authors,
        tags=tags,
        lead_image=small_image(),
        published_at=timezone.now() - timedelta(minutes=age),
    )


def test_article_page_queries_do_not_grow_with_authors_tags_or_corrections(
    client, django_assert_max_num_queries
):
    """
    One author and one tag costs what five authors and twenty tags cost, with
    related reading found through those tags.
    """
    section = make_section()
    for age in range(2, 8):
        make_story(section, authors=[make_author()], age=age)

    for age in range(8, 12):
        make_story(make_section(), tags=["Topic 1", "Topic 2"], age=age)
    small = make_story(section, authors=[make_author()], tags=["Topic 1"])
    Correction.objects.create(article=small, text="A correction.")
    small_count = article_page_queries(client, small, django_assert_max_num_queries)

    roles = ["writer", "writer", "photographer", "translator", "agency"]
    large = make_story(
        section,
        authors=[(make_author(photo=small_image()), role) for role in roles],
        tags=[f"Topic {n}" for n in range(20)],
    )
    for _ in range(3):
        Correction.objects.create(article=large, text="A correction.")
    assert ArticleAuthor.objects.filter(article=large).count() == 5
    assert large.tags.count() == 20
    large_count = article_page_queries(client, large, django_assert_max_num_queries)
    assert small_count == large_count == ARTICLE_PAGE_QUERIES


def test_an_article_without_corrections_reads_none(
    client, django_assert_max_num_queries
):
    """Its row says it has none: the page does not ask for them."""
    story = make_story(make_section(), authors=[make_author()], tags=["Topic"])
    without = article_page_queries(client, story, django_assert_max_num_queries)
    Correction.objects.create(article=story, text="A correction.")
    with_one = article_page_queries(client, story, django_assert_max_num_queries)
    assert without == with_one - 1
    assert "A correction." in client.get(story.get_absolute_url()).text


def test_what_an_article_body_refers_to_comes_with_its_row(
    client, django_assert_max_num_queries
):
    """
    An ordinary article's pictures, cards and embeds are read with its own
    row (with_reference_list): a body that refers to something costs the
    page no query more than one that refers to nothing.
    """
    story = make_story(make_section(), authors=[make_author()], tags=["Topic"])
    without = article_page_queries(client, story, django_assert_max_num_queries)
    picture = small_image()
    other = make_story(make_section(), age=2)
    story.body = (
        f'<p>Words.</p><figure data-element="picture" data-image="{picture.pk}">'
        "<figcaption>The quay at dawn.</figcaption></figure>"
        f'<aside data-element="read-more" data-article="{other.pk}"></aside>'
    )
    story.save()
    with_two = article_page_queries(client, story, django_assert_max_num_queries)
    # No corrections: one query fewer than the pinned page.
    assert without == with_two == ARTICLE_PAGE_QUERIES - 1
    page = client.get(story.get_absolute_url()).text
    assert "The quay at dawn." in page
    assert other.title in page


def make_live_story(section, author, entries=2):
    story = make_article(
        section=section,
        authors=[author],
        tags=["Shared topic"],
        lead_image=small_image(),
        live_state=Article.LiveState.LIVE,
    )
    for n in range(entries):
        make_entry(story, authors=[author], body=f"<p>Update {n}.</p>")
    return story


def listing_urls(section, author):
    return {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": reverse("articles:tag", args=["shared-topic"]),
    }


def test_listing_page_queries_do_not_grow_with_the_number_of_articles(
    client, django_assert_max_num_queries
):
    """Home, section, author and tag pages cost the same with 2 or 60 articles."""
    section = make_section()
    other_section = make_section()
    author = make_author(photo=small_image())
    for target in (section, other_section):
        make_story(target, authors=[author], tags=["Shared topic"])
    # Live coverage, whose cards say "Live" and on the home page its latest line.
    make_live_story(section, author)
    urls = listing_urls(section, author)
    few = {
        name: count_queries(
            client, url, LISTING_PAGE_BUDGET, django_assert_max_num_queries
        )
        for name, url in urls.items()
    }

    more_sections = [make_section() for _ in range(4)]
    for n in range(60):
        target = [section, *more_sections][n % 5]
        writers = [author, make_author(), make_author()]
        make_story(
            target,
            authors=writers,
            tags=["Shared topic", f"Topic {n}", f"Other {n}"],
            age=n + 2,
        )
    make_live_story(section, author, entries=30)
    make_live_story(more_sections[0], author, entries=3)
    many = {
        name: count_queries(
            client, url, LISTING_PAGE_BUDGET, django_assert_max_num_queries
        )
        for name, url in urls.items()
    }
    assert few == many == LISTING_PAGE_QUERIES


def test_later_listing_pages_cost_the_same_as_the_first(
    client, django_assert_max_num_queries
):
    """?page=2 of a section is within the same budget as page 1."""
    section = make_section()
    for n in range(25):
        make_story(section, authors=[make_author()], age=n + 1)
    url = section.get_absolute_url()
    first = count_queries(
        client, url, LISTING_PAGE_BUDGET, django_assert_max_num_queries
    )
    second = count_queries(
        client, f"{url}?page=2", LISTING_PAGE_BUDGET, django_assert_max_num_queries
    )
    assert first == second


def test_search_and_feed_queries_do_not_grow_with_the_number_of_articles(
    client, django_assert_max_num_queries
):
    """The search page and the site feed cost the same with 2 or 30 matches."""
    section = make_section()
    urls = [reverse("articles:search") + "?q=harbour", reverse("articles:feed")]
    for age in (1, 2):
        make_story(section, authors=[make_author()], age=age)
    few = [
        count_queries(client, url, LISTING_PAGE_BUDGET, django_assert_max_num_queries)
        for url in urls
    ]
    for age in range(3, 31):
        make_story(section, authors=[make_author(), make_author()], age=age)
    many = [
        count_queries(client, url, LISTING_PAGE_BUDGET, django_assert_max_num_queries)
        for url in urls
    ]
    assert few == many


def test_article_page_lists_its_tags_by_name_from_its_own_row(
    client, django_assert_max_num_queries
):
    """
    The Topics list names the article's tags in name order, each linked to
    its tag page, read with the article's row: an article without tags
    costs the same queries as one with three.
    """
    section = make_section()
    tagged = make_story(section, tags=["Zoning", "Harbour", "Budget"])
    untagged = make_story(section, age=2)
    forget_everything_kept()
    with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET) as captured:
        page = client.get(tagged.get_absolute_url()).content.decode()
    with_tags = len(captured)
    topics = page[page.index('id="topics"') :]
    links = [
        f'<a href="{reverse("articles:tag", args=[slug])}" rel="tag">{name}</a>'
        for name, slug in [
            ("Budget", "budget"),
            ("Harbour", "harbour"),
            ("Zoning", "zoning"),
        ]
    ]
    positions = [topics.index(link) for link in links]
    assert positions == sorted(positions)
    without = article_page_queries(client, untagged, django_assert_max_num_queries)
    # No corrections: one query fewer than the pinned page.
    assert with_tags == without == ARTICLE_PAGE_QUERIES - 1
