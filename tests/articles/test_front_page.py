"""The front page editors arrange: slots, pins, rules, no duplicates, preview."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import front_page
from articles.models import Article, FrontPagePin, FrontPageSlot
from newsroom.formats import written_when
from tests.factories import make_article, make_image, make_section, make_staff
from tests.html import parse, text

pytestmark = pytest.mark.django_db


def story(title, age_minutes, **kwargs):
    kwargs.setdefault("section", make_section())
    return make_article(
        title=title,
        published_at=timezone.now() - timedelta(minutes=age_minutes),
        **kwargs,
    )


def make_slot(kind=FrontPageSlot.Kind.TOP, pins=(), **kwargs):
    kwargs.setdefault("position", FrontPageSlot.objects.count())
    slot = FrontPageSlot.objects.create(kind=kind, **kwargs)
    for position, article in enumerate(pins):
        FrontPagePin.objects.create(slot=slot, article=article, position=position)
    return slot


def arranged(at=None):
    """{heading or kind: [titles]} of the arranged page, in page order."""
    return [
        (block.heading or block.kind, [a.title for a in block.articles])
        for block in front_page.arrange(at)
    ]


def home_blocks(client):
    page = parse(client.get(reverse("articles:home")))
    lead = [text(a) for a in page.select(".front-lead .card__title a")]
    blocks = {
        text(section.select_one("h2")): [
            text(a) for a in section.select(".card__title a, .latest-list a")
        ]
        for section in page.select(".front-section, .front-latest")
    }
    return lead, blocks


def test_with_nothing_arranged_the_front_page_has_lead_top_latest_and_sections(
    client,
):
    """
    The default: the latest story as lead, the next three as top stories,
    the next eight in the latest list, then four of each section.
    """
    news, sport = make_section(name="News"), make_section(name="Sport")
    for n in range(16):
        story(f"News {n}", 10 + n, section=news)
    story("Sport 0", 5, section=sport)
    lead, blocks = home_blocks(client)
    assert lead == ["Sport 0"]
    assert blocks == {
        "Top stories": ["News 0", "News 1", "News 2"],
        "Latest": [f"News {n}" for n in range(3, 11)],
        "News": ["News 11", "News 12", "News 13", "News 14"],
    }


def test_pins_come_first_and_rules_fill_the_rest(client):
    news = make_section(name="News")
    old = story("Old but pinned", 600, section=news)
    for n in range(5):
        story(f"News {n}", 10 + n, section=news)
    make_slot(FrontPageSlot.Kind.LEAD, pins=[old])
    make_slot(FrontPageSlot.Kind.SECTION, rule_section=news, size=3)
    lead, blocks = home_blocks(client)
    assert lead == ["Old but pinned"]
    assert blocks == {"News": ["News 0", "News 1", "News 2"]}


def test_no_story_appears_twice_and_pins_win_over_earlier_rules():
    """
    A story pinned in a lower slot is not taken by a rule above it, and a
    rule skips what a higher slot already shows.
    """
    news = make_section(name="News")
    newest = story("Newest", 1, section=news)
    for n in range(4):
        story(f"News {n}", 10 + n, section=news)
    make_slot(FrontPageSlot.Kind.LEAD)
    make_slot(FrontPageSlot.Kind.TOP, heading="Top", size=2)
    make_slot(FrontPageSlot.Kind.SECTION, rule_section=news, size=2, pins=[newest])
    make_slot(FrontPageSlot.Kind.LATEST, heading="Latest", size=10)
    page = arranged()
    assert page == [
        ("lead", ["News 0"]),
        ("Top", ["News 1", "News 2"]),
        ("News", ["Newest", "News 3"]),
        ("Latest", []),
    ]
    titles = [t for _, ts in page for t in ts]
    assert len(titles) == len(set(titles))


def test_rules_by_tag_and_kind(client):
    story("Opinion piece", 5, kind=Article.Kind.OPINION)
    story("Harbour news", 6, tags=["harbour"])
    story("Plain news", 1)
    make_slot(
        FrontPageSlot.Kind.TOP,
        heading="On the harbour",
        rule_tag=Tag.objects.get(name="harbour"),
    )
    make_slot(FrontPageSlot.Kind.TOP, heading="Views", rule_kind=Article.Kind.OPINION)
    make_slot(FrontPageSlot.Kind.LATEST, heading="Latest")
    assert arranged() == [
        ("On the harbour", ["Harbour news"]),
        ("Views", ["Opinion piece"]),
        ("Latest", ["Plain news"]),
    ]


def test_a_rule_finding_too_few_among_the_latest_asks_for_older_ones(monkeypatch):
    """
    Each rule (section, kind, tag, all three) still finds its articles when
    they are older than the latest the rules look through first, never one
    shown above it, one unpublished or one scheduled.
    """
    monkeypatch.setattr(front_page, "POOL_SIZE", 1)
    harbour, sport = make_section(name="Harbour"), make_section(name="Sport")
    story("Scheduled harbour", -30, section=harbour, kind=Article.Kind.OPINION)
    story("Draft harbour", 2, section=harbour, status=Article.Status.DRAFT)
    for n in range(1, 21):  # more than the rules look through first
        story(f"Sport {n}", n, section=sport)
    story("Old harbour opinion", 50, section=harbour, kind=Article.Kind.OPINION)
    story("Older harbour opinion", 60, section=harbour, kind=Article.Kind.OPINION)
    story("Tagged harbour opinion", 70, section=harbour, kind="opinion", tags=["pier"])
    story("Old harbour news", 80, section=harbour)
    make_slot(
        FrontPageSlot.Kind.TOP,
        heading="Harbour views",
        size=1,
        rule_section=harbour,
        rule_kind="opinion",
    )
    make_slot(
        FrontPageSlot.Kind.TOP,
        heading="Pier",
        size=1,
        rule_section=harbour,
        rule_kind=Article.Kind.OPINION,
        rule_tag=Tag.objects.get(name="pier"),
    )
    make_slot(FrontPageSlot.Kind.TOP, heading="Harbour", size=3, rule_section=harbour)
    assert arranged() == [
        ("Harbour views", ["Old harbour opinion"]),
        ("Pier", ["Tagged harbour opinion"]),
        ("Harbour", ["Older harbour opinion", "Old harbour news"]),
    ]


def test_unpublished_or_scheduled_pin_drops_out_and_its_rule_backfills():
    news = make_section(name="News")
    pulled = story("Pulled", 5, section=news)
    pulled.unpublish()
    scheduled = make_article(
        title="Scheduled",
        section=news,
        published_at=timezone.now() + timedelta(hours=3),
    )
    story("Backfill", 30, section=news)
    make_slot(FrontPageSlot.Kind.LEAD, pins=[pulled, scheduled], rule_section=news)
    assert arranged() == [("lead", ["Backfill"])]


def test_preview_at_a_later_time_shows_a_scheduled_article(client):
    """An editor previews tomorrow morning's front page, scheduled lead included."""
    scheduled = make_article(
        title="Tomorrow's lead", published_at=timezone.now() + timedelta(hours=10)
    )
    story("Today's story", 5)
    make_slot(FrontPageSlot.Kind.LEAD, pins=[scheduled])
    make_slot(FrontPageSlot.Kind.LATEST, heading="Latest")
    lead, _ = home_blocks(client)
    assert lead == ["Today's story"]

    client.force_login(make_staff("desk", ["articles.view_frontpageslot"]))
    at = timezone.localtime() + timedelta(hours=12)
    response = client.get(
        reverse("admin:articles_frontpageslot_preview"),
        {"at": at.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    assert (
        "no-store" in response["Cache-Control"]
        or "private" in response["Cache-Control"]
    )
    page = parse(response)
    assert [text(a) for a in page.select(".front-lead .card__title a")] == [
        "Tomorrow's lead"
    ]
    assert [text(a) for a in page.select(".latest-list a")] == ["Today's story"]
    assert "scheduled articles included" in text(page.select_one(".preview-bar"))


def test_preview_is_for_staff_with_the_view_permission(client):
    url = reverse("admin:articles_frontpageslot_preview")
    assert client.get(url).status_code == 302
    client.force_login(make_staff("nobody"))
    assert client.get(url).status_code == 403


def test_changes_show_on_the_next_request_through_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    first = story("First", 5)
    second = story("Second", 10)
    lead, _ = home_blocks(client)
    assert lead == ["First"]
    slot = make_slot(FrontPageSlot.Kind.LEAD)
    FrontPagePin.objects.create(slot=slot, article=second)
    lead, _ = home_blocks(client)
    assert lead == ["Second"]
    slot.pins.all().delete()
    lead, _ = home_blocks(client)
    assert lead == ["First"]
    assert first


def test_article_without_a_picture_gets_a_text_card(client):
    section = make_section(name="News")
    story("With picture", 5, section=section, lead_image=make_image())
    story("Words only", 6, section=section)
    page = parse(client.get(reverse("articles:home")))
    cards = {
        text(card.select_one(".card__title")): card for card in page.select(".card")
    }
    assert "card--text" in cards["Words only"]["class"]
    assert cards["Words only"].select("picture, img") == []
    assert "card--text" not in cards["With picture"]["class"]


def test_section_block_needs_its_section():
    from django.core.exceptions import ValidationError

    slot = FrontPageSlot(kind=FrontPageSlot.Kind.SECTION)
    with pytest.raises(ValidationError):
        slot.full_clean()


def test_arranged_home_page_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    """Slots with pins, tag and kind rules: still within the home page budget."""
    sections = [make_section(name=f"Section {n}") for n in range(4)]
    pins = []
    for n in range(40):
        article = story(
            f"Story {n}",
            n + 1,
            section=sections[n % 4],
            tags=["harbour"] if n % 3 == 0 else [],
            kind=Article.Kind.OPINION if n % 5 == 0 else Article.Kind.NEWS,
        )
        if n in (7, 11):
            pins.append(article)
    make_slot(FrontPageSlot.Kind.LEAD, pins=pins[:1])
    make_slot(FrontPageSlot.Kind.TOP, size=4, pins=pins[1:])
    for section in sections:
        make_slot(FrontPageSlot.Kind.SECTION, rule_section=section, size=4)
    make_slot(FrontPageSlot.Kind.TOP, heading="Harbour", rule_tag=Tag.objects.get())
    make_slot(FrontPageSlot.Kind.TOP, heading="Views", rule_kind="opinion")
    make_slot(FrontPageSlot.Kind.LATEST, size=10)
    cache.clear()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("published", "written"),
    [
        (datetime(2026, 11, 28, 9, 24, tzinfo=UTC), "09:24"),
        (datetime(2026, 11, 28, 0, 5, tzinfo=UTC), "00:05"),
        (datetime(2026, 11, 27, 21, 27, tzinfo=UTC), "Yesterday, 21:27"),
        (datetime(2026, 11, 26, 6, 50, tzinfo=UTC), "Thursday, 06:50"),
        (datetime(2026, 11, 12, 6, 50, tzinfo=UTC), "12 November"),
        # Summer time: 23:30 UTC is already the next day in Dublin.
        (datetime(2026, 7, 3, 23, 30, tzinfo=UTC), "Saturday, 00:30"),
    ],
)
def test_latest_list_times_are_written_as_readers_say_them(published, written):
    """Today the time; yesterday and this week the day too; older, the date."""
    now = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    if published.month == 7:
        now = datetime(2026, 7, 6, 12, 0, tzinfo=UTC)
    assert written_when(published, now) == written


def test_saved_slots_are_read_once_per_content_version(django_assert_num_queries):
    """A warm front page spends no query on its slots; an edit shows at once."""
    pinned = story("Pinned", 5)
    slot = make_slot(FrontPageSlot.Kind.LEAD, pins=[pinned])
    front_page.saved_slots()
    with django_assert_num_queries(0):
        slots = front_page.saved_slots()
        assert [pin.article_id for pin in slots[0].pins.all()] == [pinned.pk]
    slot.heading = "Breaking"
    slot.save()
    assert front_page.saved_slots()[0].heading == "Breaking"


def test_saved_slots_bring_their_rules_section_and_tag(django_assert_num_queries):
    """Read in one query with the slots, and kept with them: no query to show them."""
    harbour = make_section(name="Harbour", slug="harbour")
    story("On the pier", 5, section=harbour, tags=["pier"])
    make_slot(FrontPageSlot.Kind.SECTION, rule_section=harbour)
    make_slot(FrontPageSlot.Kind.TOP, heading="Pier", rule_tag=Tag.objects.get())
    make_slot(FrontPageSlot.Kind.LATEST)
    for _ in range(2):  # read, then kept
        slots = front_page.saved_slots()
        with django_assert_num_queries(0):
            section, tagged, latest = slots
            assert (section.display_heading, section.rule_section.slug) == (
                "Harbour",
                "harbour",
            )
            assert (tagged.rule_section, tagged.rule_tag.name) == (None, "pier")
            assert (latest.rule_section, latest.rule_tag) == (None, None)
            assert [p.pk for slot in slots for p in slot.pins.all()] == []


def test_the_front_pages_cards_are_read_by_their_ids(django_assert_num_queries):
    first, second, third = make_article(), make_article(), make_article()
    read = Article.objects.cards_by_id
    assert read([]) == {}
    assert read([second.pk, first.pk, second.pk]) == {
        first.pk: first,
        second.pk: second,
    }
    with django_assert_num_queries(1):
        cards = read([third.pk, first.pk])
        assert cards == {first.pk: first, third.pk: third}
        assert cards[third.pk].latest_line == ""
        assert cards[third.pk].section.name
