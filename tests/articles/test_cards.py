"""
What an article's card writes (card_html), byte for byte: the picture in the
card shape (eager and wide for a featured card), the section or the kind of
piece as kicker, "Live" and the latest line while coverage goes on, the
standfirst otherwise, the byline and the local day, every value escaped.
"""

from datetime import UTC, datetime

import pytest
from django.utils.text import slugify

from articles.cards import card_html
from articles.models import Article, ArticleAuthor, Image
from articles.models.renditions import picture_sources_recipe
from tests.articles.live_factories import make_entry
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

WINTER_EVENING = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
# 00:30 the next day in Dublin, an hour ahead of UTC in summer.
SUMMER_NIGHT = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
# How a card published on WINTER_EVENING ends.
WINTER_EVENING_END = (
    '<time datetime="2026-12-06T21:00:00+00:00">6 December 2026</time></p>\n'
    "</div>\n"
    "</article>\n"
)

CARD_SOURCES = {
    "avif": "/media/r/quay-card-400.avif 400w, /media/r/quay-card-800.avif 800w",
    "webp": "/media/r/quay-card-400.webp 400w, /media/r/quay-card-800.webp 800w",
    "jpeg": "/media/r/quay-card-400.jpg 400w, /media/r/quay-card-800.jpg 800w",
    "fallback": ["/media/r/quay-card-800.jpg", 800, 533],
}
PICTURE = (
    '<source type="image/avif" srcset="/media/r/quay-card-400.avif 400w, '
    '/media/r/quay-card-800.avif 800w" sizes="{sizes}">\n'
    '<source type="image/webp" srcset="/media/r/quay-card-400.webp 400w, '
    '/media/r/quay-card-800.webp 800w" sizes="{sizes}">\n'
    '<img src="/media/r/quay-card-800.jpg" width="800" height="533" '
    'alt="Spray over the &quot;new&quot; quay wall" loading="{loading}"'
)


def card_picture():
    """A picture whose card-shape sources are known (as its renditions record them)."""
    image = make_image(alt_text='Spray over the "new" quay wall')
    Image.objects.filter(pk=image.pk).update(
        rendition_index=[["card", "jpeg", 800, 533, "r/quay-card-800.jpg"]],
        picture_sources={
            "recipe": picture_sources_recipe(),
            "shapes": {"card": CARD_SOURCES},
        },
    )
    return image


def story(section, title, **fields):
    """A story in `section` published on WINTER_EVENING, its address from its title."""
    fields.setdefault("standfirst", "")
    fields.setdefault("published_at", WINTER_EVENING)
    return make_article(section=section, title=title, slug=slugify(title), **fields)


def shown(article):
    """What the article's card shows, read as a list page reads it."""
    listed = Article.objects.for_listing().with_latest_line().get(pk=article.pk)
    return listed.card_shows()


@pytest.fixture
def harbour():
    return make_section(name="Harbour & Quays", slug="harbour")


def test_a_featured_card_writes_its_picture_eager_and_wide(harbour):
    article = story(
        harbour,
        "Storm closes the <quays>",
        standfirst="Ferries won't sail until Tuesday.",
        lead_image=card_picture(),
        authors=[make_author(name="Aoife Byrne", slug="aoife-byrne")],
    )
    sizes = "(min-width: 64rem) 38rem, 100vw"
    assert card_html(shown(article), "2", featured=True, show_section=True) == (
        '<article class="card card--lead">\n'
        '<picture class="card__image">\n'
        + PICTURE.format(sizes=sizes, loading="eager")
        + ' fetchpriority="high" decoding="async">\n</picture>\n'
        "\n"
        '<div class="card__text">\n'
        '<p class="kicker"><a href="/harbour/">Harbour &amp; Quays</a></p>\n'
        '<h2 class="card__title"><a href="/harbour/storm-closes-the-quays/">'
        "Storm closes the &lt;quays&gt;</a></h2>\n"
        '<p class="card__standfirst">Ferries won&#x27;t sail until Tuesday.</p>\n'
        '<p class="card__meta"><span class="card__byline">By Aoife Byrne\n</span> '
        + WINTER_EVENING_END
    )


def test_a_card_in_a_list_writes_its_picture_lazy_and_the_kind_as_kicker(harbour):
    article = story(
        harbour,
        "Why the quays flood",
        kind=Article.Kind.ANALYSIS,
        published_at=SUMMER_NIGHT,
        lead_image=card_picture(),
    )
    sizes = "(min-width: 64rem) 16rem, (min-width: 40rem) 45vw, 100vw"
    assert card_html(shown(article), "3") == (
        '<article class="card">\n'
        '<picture class="card__image">\n'
        + PICTURE.format(sizes=sizes, loading="lazy")
        + ' decoding="async">\n</picture>\n'
        "\n"
        '<div class="card__text">\n'
        '<p class="kicker">Analysis</p>\n'
        '<h3 class="card__title"><a href="/harbour/why-the-quays-flood/">'
        "Why the quays flood</a></h3>\n"
        "\n"
        '<p class="card__meta">'
        '<time datetime="2026-07-02T00:30:00+01:00">2 July 2026</time></p>\n'
        "</div>\n"
        "</article>\n"
    )


def test_a_card_without_a_picture_is_a_text_card(harbour):
    article = story(harbour, "Tide tables", standfirst="High water at 06:12.")
    assert card_html(shown(article), "3", featured=True) == (
        '<article class="card card--lead card--text">\n'
        "\n"
        '<div class="card__text">\n'
        "\n"
        '<h3 class="card__title"><a href="/harbour/tide-tables/">Tide tables</a></h3>\n'
        '<p class="card__standfirst">High water at 06:12.</p>\n'
        '<p class="card__meta">' + WINTER_EVENING_END
    )


def test_a_live_card_says_live_and_shows_the_latest_line_not_the_standfirst(harbour):
    article = story(
        harbour,
        "Storm Dervla: live",
        standfirst="Updates through the night.",
        live_state=Article.LiveState.LIVE,
    )
    make_entry(article, body="<p>Gusts of 130 km/h & rising at the pier.</p>")
    assert card_html(shown(article), "3", show_section=True) == (
        '<article class="card card--text">\n'
        "\n"
        '<div class="card__text">\n'
        '<p class="kicker"><a href="/harbour/">Harbour &amp; Quays</a></p>\n'
        '<h3 class="card__title"><span class="live__label">Live</span> '
        '<a href="/harbour/storm-dervla-live/">Storm Dervla: live</a></h3>\n'
        '<p class="card__latest"><span class="visually-hidden">Latest: </span>'
        "Gusts of 130 km/h &amp; rising at the pier.</p>\n"
        '<p class="card__meta">' + WINTER_EVENING_END
    )


def test_a_byline_of_several_authors_and_roles_is_written_in_clauses(harbour):
    article = story(harbour, "Night on the pier")
    for position, (name, role) in enumerate(
        [
            ("Declan Fahy", ArticleAuthor.Role.REPORTER),
            ("Niamh O'Brien", ArticleAuthor.Role.WRITER),
            ("Róisín <Keane>", ArticleAuthor.Role.REPORTER),
            ("Keith Dolan", ArticleAuthor.Role.PHOTOGRAPHER),
            ("Western Wire Service", ArticleAuthor.Role.AGENCY),
        ]
    ):
        ArticleAuthor.objects.create(
            article=article,
            author=make_author(name=name),
            role=role,
            position=position,
        )
    assert card_html(shown(article), "3") == (
        '<article class="card card--text">\n'
        "\n"
        '<div class="card__text">\n'
        "\n"
        '<h3 class="card__title"><a href="/harbour/night-on-the-pier/">'
        "Night on the pier</a></h3>\n"
        "\n"
        '<p class="card__meta"><span class="card__byline">'
        "By Declan Fahy, Niamh O&#x27;Brien and Róisín &lt;Keane&gt;; "
        "photographs by Keith Dolan; Western Wire Service\n</span> "
        + WINTER_EVENING_END
    )
