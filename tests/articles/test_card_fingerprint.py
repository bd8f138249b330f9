"""
An article's card is kept under Article.card_fingerprint(), made of the
fields the card declares it shows (Article.CARD_SHOWS): any change to one of
them is a new fingerprint, and the card (card_html) reads nothing else.
"""

import inspect
from copy import deepcopy
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from articles.cards import card_html, card_key, card_options
from articles.models import Article, ArticleAuthor, Image, Section
from articles.models.bylines import byline_records
from articles.templatetags.article_tags import article_cards
from newsroom.cache.keys import serialized
from tests.articles.live_factories import make_entry
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

OPTIONS = [("featured", False), ("level", 2), ("show_section", True)]


@pytest.fixture
def article():
    return make_article(
        section=make_section(name="Harbour", slug="harbour"),
        authors=[make_author(name="Aoife Byrne", slug="aoife-byrne")],
        lead_image=make_image(),
        kind=Article.Kind.NEWS,
    )


def fresh(article):
    return Article.objects.for_listing().with_latest_line().get(pk=article.pk)


def each_change(article):
    """(what, change) for each thing a card shows, changing it in the database."""
    byline = article.bylines.get()
    image = article.lead_image

    def save(obj, **fields):
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()

    return [
        ("headline", lambda: save(article, title="Ferries cancelled")),
        ("standfirst", lambda: save(article, standfirst="Storms ahead.")),
        ("kind", lambda: save(article, kind=Article.Kind.ANALYSIS)),
        (
            "published time",
            lambda: save(article, published_at=article.published_at - timedelta(1)),
        ),
        ("address", lambda: save(article, slug="ferries-cancelled")),
        ("section name", lambda: save(article.section, name="Port")),
        ("section slug", lambda: save(article.section, slug="port")),
        ("author name", lambda: save(byline.author, name="Aoife Ní Bhroin")),
        ("author slug", lambda: save(byline.author, slug="aoife-ni-bhroin")),
        ("byline role", lambda: save(byline, role=ArticleAuthor.Role.PHOTOGRAPHER)),
        (
            "another author",
            lambda: ArticleAuthor.objects.create(
                article=article, author=make_author(), role="writer", position=1
            ),
        ),
        ("alt text", lambda: save(image, alt_text="Gulls over the pier")),
        ("renditions", lambda: image.renditions.filter(format="avif").delete()),
        ("no picture", lambda: save(article, lead_image=None)),
        ("another picture", lambda: save(article, lead_image=make_image())),
        (
            "picture's rights lapsed",
            lambda: save(article.lead_image, rights_expire_on=date(2000, 1, 1)),
        ),
        ("live coverage", lambda: save(article, live_state=Article.LiveState.LIVE)),
        ("a live entry", lambda: make_entry(article, body="<p>Gales.</p>")),
        (
            "a newer live entry",
            lambda: make_entry(article, body="<p>Gales easing.</p>"),
        ),
        ("coverage ended", lambda: save(article, live_state=Article.LiveState.ENDED)),
    ]


def test_each_thing_a_card_shows_changes_the_fingerprint(article):
    for what, change in each_change(article):
        before = fresh(article).card_fingerprint(OPTIONS)
        change()
        article.refresh_from_db()
        assert fresh(article).card_fingerprint(OPTIONS) != before, what


def wider_card_sources(image):
    """A srcset of the picture's card shape changed, as only the database knows."""
    sources = Image.objects.get(pk=image.pk).picture_sources
    sources["shapes"][Article.CARD_SHAPE]["webp"] += ", /media/r/card-2400.webp 2400w"
    Image.objects.filter(pk=image.pk).update(picture_sources=sources)


def test_each_thing_a_card_shows_changes_its_key(article):
    """The key card_lists() reads the card under: the digest of the fingerprint."""
    _, told = card_options("2", False, True)
    changes = [
        ("card srcset", lambda: wider_card_sources(article.lead_image)),
        *each_change(article),
    ]
    assert Article.CARD_SHAPE in fresh(article).lead_picture._stored_shapes
    for what, change in changes:
        before = card_key(fresh(article), told)
        change()
        article.refresh_from_db()
        assert card_key(fresh(article), told) != before, what
        assert card_key(fresh(article), told) == card_key(fresh(article), told)


def plain_values(value):
    """The types of `value` and of all it holds."""
    types = {type(value)}
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            types |= plain_values(item)
    return types


def test_the_fingerprint_is_made_of_plain_values(article):
    """
    Written the same in every process (newsroom.cache.keys.serialized, by
    marshal): no object's own repr, which could name where it lies in
    memory, and nothing marshal cannot write (a moment is ISO text).
    """
    make_entry(article, body="<p>Gales.</p>")
    Article.objects.filter(pk=article.pk).update(live_state=Article.LiveState.LIVE)
    plain = {str, int, bool, type(None), list, tuple, dict}
    for card in (fresh(article), fresh(make_article(lead_image=None))):
        _, told = card_options("3", True, False)
        fingerprint = card.card_fingerprint(told)
        assert plain_values(fingerprint) <= plain
        assert serialized((fingerprint,)).startswith(b"m")


def test_the_zone_and_language_its_day_is_written_in_change_the_key(article):
    card = fresh(article)
    keys = {
        card_key(card, card_options("2", False, True, zone, language)[1])
        for zone in (UTC, ZoneInfo("Europe/Dublin"))
        for language in ("en-gb", "ga")
    }
    assert len(keys) == 4


def test_how_the_card_is_shown_changes_the_fingerprint(article, settings):
    card = fresh(article)
    before = card.card_fingerprint(OPTIONS)
    featured = [("featured", True), *OPTIONS[1:]]
    assert card.card_fingerprint(featured) != before
    settings.MEDIA_URL = "https://media.example.org/"
    assert card.card_fingerprint(OPTIONS) != before


def test_the_fingerprint_covers_what_the_card_shape_of_the_picture_draws(article):
    """
    The picture's other shapes, and the card shape's JPEG srcset while
    modern formats are drawn (the <img> then carries none), change nothing
    the card shows; its card shape's sources do.
    """
    shapes = article.lead_image.picture_sources["shapes"]
    before = fresh(article).card_fingerprint(OPTIONS)

    def changed(shape, format):
        card = fresh(article)
        shown = card.lead_picture.picture_sources["shapes"][shape]
        shown[format] = f"/media/elsewhere-{shape}-{format}.jpg 800w"
        return card.card_fingerprint(OPTIONS) != before

    assert shapes[Article.CARD_SHAPE]["avif"] and shapes[Article.CARD_SHAPE]["webp"]
    assert not changed("share", "jpeg") and not changed("", "webp")
    assert not changed(Article.CARD_SHAPE, "jpeg")
    assert changed(Article.CARD_SHAPE, "webp") and changed(Article.CARD_SHAPE, "avif")


def test_an_unchanged_article_keeps_its_fingerprint(article):
    assert fresh(article).card_fingerprint(OPTIONS) == deepcopy(
        fresh(article).card_fingerprint(OPTIONS)
    )


class Reading(dict):
    """What card_shows() read, noting the path of each value read from it."""

    def __init__(self, shown, read, prefix=""):
        super().__init__(
            (name, Reading(value, read, f"{prefix}{name}."))
            if isinstance(value, dict)
            else (name, value)
            for name, value in shown.items()
        )
        self.read, self.prefix = read, prefix

    def __getitem__(self, name):
        value = super().__getitem__(name)
        if not isinstance(value, Reading):
            self.read.add(self.prefix + name)
        return value


def test_the_card_shows_only_what_the_fingerprint_covers(article):
    """A field added to the card without adding it to CARD_SHOWS fails here."""
    declared = set(Article.CARD_SHOWS)
    # Declared whole: the byline (byline_html, through byline_groups) and the
    # picture (the picture tag's builder).
    assert {"bylines", "lead_picture"} <= declared
    # Written from card_shows() alone: given nothing else that could carry
    # more of the article (how it is shown, and the time zone and language
    # it writes its day in, are its options: card_options).
    assert list(inspect.signature(card_html).parameters) == [
        "card",
        "level",
        "featured",
        "show_section",
        "zone",
        "language",
    ]
    make_entry(article, body="<p>Gales.</p>")
    Article.objects.filter(pk=article.pk).update(live_state=Article.LiveState.LIVE)
    read = set()
    for card in (fresh(article), fresh(make_article(standfirst="Storms ahead."))):
        for featured, show_section in [(True, True), (False, False)]:
            card_html(Reading(card.card_shows(), read), 2, featured, show_section)
    assert read <= declared
    # Everything declared is shown; the key alone is not written.
    assert read == declared - {"pk"}


def test_the_card_is_rendered_from_what_card_shows_reads(article):
    """card_shows() holds each path of CARD_SHOWS, nested as card_html reads it."""
    shown = fresh(article).card_shows()
    for path in Article.CARD_SHOWS:
        value = shown
        for name in path.split("."):
            value = value[name]
    # And nothing more: every path it holds is declared.
    held = set()
    for key, value in shown.items():
        held |= {f"{key}.{name}" for name in value} if type(value) is dict else {key}
    assert held == set(Article.CARD_SHOWS)
    assert shown["section"]["name"] == "Harbour"
    assert [name for _, name, _, _ in shown["bylines"]] == ["Aoife Byrne"]


def test_a_card_reads_its_byline_from_its_row_as_its_built_bylines_give_it(article):
    """
    A listed article's card writes its byline from the row's byline_list,
    building no byline or author; built, they give the same (author id,
    name, slug, role), in the same order.
    """
    second = make_author(name="Ciarán Ó Dálaigh", slug="ciaran")
    ArticleAuthor.objects.create(
        article=article, author=second, position=1, role="photographer"
    )
    card = fresh(article)
    shown = card.card_shows()["bylines"]
    assert "listed_bylines" not in vars(card)
    assert shown == byline_records(card.ordered_bylines())
    assert shown == [
        (
            article.authors.get(slug="aoife-byrne").pk,
            "Aoife Byrne",
            "aoife-byrne",
            "writer",
        ),
        (second.pk, "Ciarán Ó Dálaigh", "ciaran", "photographer"),
    ]
    assert card.card_shows()["bylines"] == shown  # built now, read from them


def test_a_listed_articles_card_reads_nothing_more(article, django_assert_num_queries):
    """
    for_listing() loads every column the card and its fingerprint read,
    though it leaves the others in the database.
    """
    card = fresh(article)
    cache.clear()
    with django_assert_num_queries(0):
        (html,) = article_cards([card], featured=True, show_section=True)
    assert "Aoife Byrne" in html and "Harbour" in html and "<picture" in html


def test_listed_articles_leave_what_cards_never_show_in_the_database(article):
    card = fresh(article)
    assert {"body", "seo_description", "created_by_id", "byline_names"} <= (
        card.get_deferred_fields()
    )
    assert {"caption", "credit", "licence", "renditions_error"} <= (
        card.lead_image.get_deferred_fields()
    )
    author = card.ordered_bylines()[0].author
    assert {"bio", "role", "photo_id"} <= author.get_deferred_fields()


def test_listed_articles_share_the_site_frames_sections(article):
    """Their sections come from the kept site frame, not joined to each row."""
    other = make_article(section=article.section)
    listed = list(Article.objects.for_listing().filter(pk__in=[article.pk, other.pk]))
    (frame_section,) = [
        section
        for section in Section.objects.in_menu()
        if section.pk == article.section_id
    ]
    assert all(card.section is frame_section for card in listed)


def test_a_listed_article_moved_to_a_new_section_shows_that_section(article):
    Section.objects.in_menu()  # the frame is read, then a section is added
    section = Section.objects.create(name="Islands", slug="islands")
    Article.objects.filter(pk=article.pk).update(section=section)
    assert fresh(article).section.name == "Islands"


def test_cards_hand_out_copies_of_querysets_built_once(article):
    """
    Article.objects.cards() is built once per process: what a page narrows
    and runs is a copy, so the one kept never holds a page's rows.
    """
    first = Article.objects.cards(latest_line=True)
    assert first is not Article.objects.cards(latest_line=True)
    (card,) = first.filter(pk=article.pk)
    assert card.latest_line == "" and card.section.name == "Harbour"
    assert list(Article.objects.cards()) == [article]
    kept = Article.objects._built.values()
    assert kept and all(queryset._result_cache is None for queryset in kept)


def test_without_kept_parts_listed_articles_bring_their_sections(
    article, settings, django_assert_num_queries
):
    """The site frame would be read anew: each row brings its section."""
    settings.FRAGMENT_CACHE_SECONDS = 0
    with django_assert_num_queries(1):  # the articles, sections and bylines
        (card,) = Article.objects.cards().filter(pk=article.pk)
        assert card.section.name == "Harbour"


def test_listed_articles_hold_their_bylines_as_a_plain_list(article):
    """No queryset of its own for each article: the byline read in order."""
    second = make_author(name="Ciarán Ó Dálaigh")
    ArticleAuthor.objects.create(article=article, author=second, position=1)
    card = fresh(article)
    assert "bylines" not in getattr(card, "_prefetched_objects_cache", {})
    names = [byline.author.name for byline in card.ordered_bylines()]
    assert names == ["Aoife Byrne", "Ciarán Ó Dálaigh"]
