import io
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from articles import demo
from articles.body import referenced_ids
from articles.embeds import provider_for
from articles.management.commands.load_demo import two_factor_note
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    LiveEntry,
    Page,
    ResolvedEmbed,
    Section,
    TaggedArticle,
)
from subscriptions.delivery import delivery_area_for
from subscriptions.models import (
    DeliveryArea,
    DeliveryRoutingKey,
    Edition,
    Newsletter,
)

# In a parallel run the modules that load the demo paper share one worker:
# encoding its pictures' renditions is most of what load_demo takes, and a
# worker encodes given pixels once (tests/conftest.py), so the paper's
# pictures are encoded once in a run rather than on every worker.
DEMO_WORKER = pytest.mark.xdist_group("demo")

pytestmark = [pytest.mark.django_db, DEMO_WORKER]

REQUIRED_SECTIONS = {"News", "Opinion", "Business", "Sport", "Culture", "Lifestyle"}
DEMO_ARTICLES = 80


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def table_counts():
    models = [Section, Author, Image, Article, ArticleAuthor, TaggedArticle, Page]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Correction"] = Correction.objects.count()
    counts["LiveEntry"] = LiveEntry.objects.count()
    counts["User"] = get_user_model().objects.count()
    counts["Newsletter"] = Newsletter.objects.count()
    counts["DeliveryArea"] = DeliveryArea.objects.count()
    return counts


def remove_demo_paper():
    """
    Delete what load_demo made, and only that: rows that migrations create
    (groups, permissions) must survive for the modules that run after this one.
    """
    Article.objects.all().delete()
    Page.objects.all().delete()
    Edition.objects.all().delete()
    Newsletter.objects.all().delete()
    DeliveryRoutingKey.objects.all().delete()
    models = (
        Author,
        Section,
        Image,
        Tag,
        DeliveryArea,
        ResolvedEmbed,
        get_user_model(),
    )
    for model in models:
        model.objects.all().delete()


@pytest.fixture(scope="module", autouse=True)
def demo_paper(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    One demo paper for the whole module: making the picture pool's renditions
    is the slow part, so it is done once. Each test runs in a transaction on
    top of it, rolled back afterwards; the paper is removed at the end.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        # Demo embeds come resolved: asking a provider would be a failure.
        with mock.patch(
            "articles.embeds.fetch", side_effect=AssertionError("fetched at demo time")
        ):
            output = load_demo("--articles", str(DEMO_ARTICLES))
        yield output
        remove_demo_paper()


def test_load_demo_builds_a_paper_with_sections_staff_and_articles(demo_paper):
    """Sections in order, authors with roles and bios, articles in every state."""

    sections = list(Section.objects.all())
    assert {s.name for s in sections} >= REQUIRED_SECTIONS
    assert all(s.description for s in sections)
    assert [s.position for s in sections] == sorted({s.position for s in sections})

    authors = Author.objects.all()
    assert authors.count() >= 20
    assert all(a.role and a.bio for a in authors)
    assert authors.filter(role__startswith="Professor of strategic studies").exists()

    assert Article.objects.count() == DEMO_ARTICLES
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.filter(status=Article.Status.REVIEW).exists()
    assert Article.objects.scheduled().exists()
    assert Article.objects.published().count() > 60
    assert Correction.objects.exists()
    assert {a.kind for a in Article.objects.all()} >= {"news", "opinion", "review"}
    assert Newsletter.objects.filter(is_active=True).count() >= 2
    news_wrap = Newsletter.objects.get(name="News Wrap")
    assert "1pm" in news_wrap.rhythm
    assert DeliveryArea.objects.filter(is_active=True).count() >= 3
    assert delivery_area_for("H91").name == "Galway city"


def test_the_demo_has_static_pages_linked_from_the_footer_in_order(client):
    """About us, Contact, Corrections policy… live, the footer in its order."""
    assert Page.objects.published().count() == len(demo.STATIC_PAGES)
    titles = [title for _, title in Page.objects.footer()]
    assert titles[:3] == ["About us", "Contact", "Corrections policy"]
    assert "Our team" not in titles  # a nested page, not in the footer
    response = client.get("/about/team/")
    assert response.status_code == 200
    assert "Aoife Brennan" in response.text
    footer = client.get("/about/").text.split('class="site-footer"')[1]
    assert footer.index(">About us</a>") < footer.index(">Privacy</a>")


def test_every_demo_article_has_a_byline_tags_and_a_rich_body():
    """1–3 ordered bylines with roles, tags from the vocabulary, real HTML."""
    for article in Article.objects.prefetch_related("bylines", "tags"):
        bylines = article.ordered_bylines()
        assert 1 <= len(bylines) <= 3
        assert [b.position for b in bylines] == list(range(len(bylines)))
        assert {b.role for b in bylines} <= set(ArticleAuthor.Role.values)
        assert set(article.tags.names()) <= set(demo.TAGS)
        assert article.tags.exists()
        for element in ("<p>", "<h2>", "<blockquote>", '<a href="https://'):
            assert element in article.body
        assert article.body.count("<p>") >= 4
        if article.is_published():
            assert not article.was_updated or article.corrections.exists()


def test_opinion_standfirsts_end_with_the_writers_name():
    """House style: “…, writes Jane Doe.” names the first author."""
    opinion = Article.objects.filter(section__slug="opinion")
    assert opinion.exists()
    for article in opinion:
        writer = article.ordered_bylines()[0].author
        assert article.standfirst.endswith(f", writes {writer.name}.")


def test_lead_images_come_from_a_small_pool_of_drawn_pictures():
    """About two dozen 1600×900 pictures, each with alt text, caption, credit
    and renditions in every format."""
    images = Image.objects.prefetch_related("renditions")
    assert 20 <= images.count() <= 30
    for image in images:
        assert (image.width, image.height) == (1600, 900)
        assert image.alt_text and image.caption and image.credit
        assert image.avif_srcset and image.webp_srcset and image.jpeg_srcset
    assert len({i.alt_text for i in images}) == images.count()
    used = Article.objects.exclude(lead_image=None)
    assert used.count() > 20
    assert used.values("lead_image").distinct().count() <= images.count()


def test_running_load_demo_again_changes_nothing():
    """A second run creates no duplicates and leaves every article untouched."""
    before = table_counts()
    rows = list(Article.objects.order_by("pk").values())

    output = load_demo("--articles", str(DEMO_ARTICLES))

    assert table_counts() == before
    assert list(Article.objects.order_by("pk").values()) == rows
    assert "0 new articles" in output


def test_a_bigger_run_adds_only_the_missing_articles():
    """Asking for 30 more articles keeps the ones there and adds 30."""
    first = set(Article.objects.values_list("slug", flat=True))
    load_demo("--articles", str(DEMO_ARTICLES + 30))
    assert Article.objects.count() == DEMO_ARTICLES + 30
    assert first < set(Article.objects.values_list("slug", flat=True))


def test_demo_content_is_the_same_on_every_run():
    """Generation is seeded: same headlines, bylines and bodies each time."""
    reference = datetime(2025, 3, 1, 12, tzinfo=UTC)
    first = list(demo.generate_articles(120, reference))
    second = list(demo.generate_articles(120, reference))
    assert first == second
    assert len({a.slug for a in first}) == 120


def test_demo_admin_account_is_a_superuser_and_is_printed(demo_paper):
    """The command prints the admin login it made, and the login works."""
    output = demo_paper
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password("newsroom-demo")
    assert "admin (superuser)" in output and "newsroom-demo" in output


@pytest.mark.parametrize(
    ("username", "role", "author"),
    [
        ("editor", "Editor", "Aoife Brennan"),
        ("writer", "Writer", "Ciarán Mulcahy"),
        ("contributor", "Contributor", "Helen Rafferty"),
        ("circulation", "Circulation", None),
    ],
)
def test_demo_makes_one_login_per_role_and_prints_it(
    demo_paper, client, username, role, author
):
    """Each role's account logs in with the demo password and is listed."""
    user = get_user_model().objects.get(username=username)
    assert [g.name for g in user.groups.all()] == [role]
    assert user.is_staff and not user.is_superuser
    assert user.check_password("newsroom-demo")
    linked = Author.objects.filter(user=user).values_list("name", flat=True).first()
    assert linked == author
    assert f"  {username} ({role}" in demo_paper
    assert client.login(username=username, password="newsroom-demo")
    assert client.get("/admin/").status_code == 200


def test_the_demo_says_whether_staff_need_a_second_factor(settings):
    """`./dev demo` runs with it off, and the command says so; else who must."""
    settings.STAFF_TWO_FACTOR = "off"
    assert "Two-factor sign-in is off (STAFF_TWO_FACTOR=off)" in load_demo(
        "--articles", str(DEMO_ARTICLES)
    )
    settings.STAFF_TWO_FACTOR = "editors"
    assert "admin and editor must add" in two_factor_note()
    settings.STAFF_TWO_FACTOR = "all"
    assert "every account must add" in two_factor_note()


def test_with_two_factor_off_the_demo_editor_signs_in_with_the_password(
    settings, client
):
    settings.STAFF_TWO_FACTOR = "off"
    signed_in = client.post(
        "/admin/login/",
        {"username": "editor", "password": "newsroom-demo", "next": "/admin/"},
    )
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_changed_demo_password_is_neither_reset_nor_printed():
    """Someone who changed the password keeps it; the command says so."""
    user = get_user_model().objects.get(username="admin")
    user.set_password("something-else-entirely")
    user.save()
    output = load_demo("--articles", str(DEMO_ARTICLES))
    user.refresh_from_db()
    assert user.check_password("something-else-entirely")
    assert "admin: already exists with a password of its own" in output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "--articles must be at least 1, not -5."),
        ("0", "--articles must be at least 1, not 0."),
        ("many", "--articles must be a whole number, not 'many'."),
    ],
)
def test_bad_article_counts_are_refused_and_change_nothing(value, message):
    """A bad --articles stops the command with one line and writes nothing."""
    before = table_counts()
    with pytest.raises(CommandError) as raised:
        load_demo("--articles", value)
    assert str(raised.value) == message
    assert table_counts() == before


def test_published_dates_spread_over_past_months():
    """Live articles go back months, newest first, none in the future."""
    live = Article.objects.published().latest_first()
    newest, oldest = live.first().published_at, live.last().published_at
    assert newest <= timezone.now()
    assert (newest - oldest).days >= 90


def test_the_default_demo_paper_runs_no_headline_twice():
    """Three hundred articles, three hundred different headlines."""
    articles = list(demo.generate_articles(300, timezone.now()))
    assert len({article.title for article in articles}) == 300


# What each body element looks like on the reading page.
ELEMENT_MARKS = {
    'data-element="picture"': 'class="element-picture',
    'data-element="gallery"': 'class="gallery"',
    'data-element="embed"': 'class="embed embed--facade"',
    'data-element="pull-quote"': 'class="pull-quote"',
    'data-element="fact-box"': 'class="fact-box"',
    'data-element="read-more"': 'class="read-more"',
    'data-element="update"': 'class="update-note"',
    "<table>": 'class="element-table"',
    'data-placement="wide"': "element-picture--wide",
    'data-placement="full"': "element-picture--full",
}


def reading_page(client, article):
    cache.clear()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("stored", "shown"), ELEMENT_MARKS.items())
def test_every_body_element_is_in_a_live_demo_article_and_shows_on_its_page(
    client, stored, shown
):
    """Each element (and each wide placement) is stored in some live article
    and rendered on its page, embeds behind their facades with no iframe."""
    live = Article.objects.published().filter(body__contains=stored)
    assert live.exists(), stored
    for article in live:
        html = reading_page(client, article)
        assert shown in html, (stored, article.slug)
        assert "<iframe" not in html


def test_demo_embeds_are_resolved_by_their_providers_rule_and_due_for_nothing():
    """The embeds' data gives what the worker would have built, the rows are
    written resolved with our drawn thumbnail, and none waits for the worker."""
    for embed in demo.EMBEDS:
        provider = provider_for(embed.url)
        assert provider.name == embed.provider
        assert provider.frame_src(embed.url) == embed.iframe_src
        row = ResolvedEmbed.objects.get(url=embed.url)
        assert row.is_resolved and row.title == embed.title
        assert (row.thumbnail_width, row.thumbnail_height) == (
            embed.width,
            embed.height,
        )
    assert {row.url for row in ResolvedEmbed.objects.all()} == {
        embed.url for embed in demo.EMBEDS
    }
    assert not ResolvedEmbed.objects.due().exists()


def test_each_demo_embed_shows_as_a_facade_of_its_iframe(client):
    """A page with a demo embed carries the facade of that embed's iframe."""
    for embed in demo.EMBEDS:
        article = (
            Article.objects.published()
            .filter(
                Q(body__contains=embed.url) | Q(live_entries__body__contains=embed.url)
            )
            .distinct()
            .get()
        )
        html = reading_page(client, article)
        assert f'data-embed-src="{escape(embed.iframe_src)}"' in html
        assert f"Show {embed.provider} content" in html


def test_the_pictures_article_leads_with_its_gallery():
    """A live Pictures article has no lead picture: its gallery leads."""
    article = Article.objects.published().get(kind=Article.Kind.PICTURES)
    assert article.lead_image is None
    assert article.body.startswith('<figure data-element="gallery">')


def test_the_showcase_articles_are_live_and_recent():
    """Every showcase article is made, live, and from the last two days."""
    slugs = demo.showcase_slugs()
    showcase = Article.objects.published().filter(slug__in=slugs)
    assert showcase.count() == len(slugs)
    two_days_ago = timezone.now() - timedelta(days=2)
    assert all(article.published_at > two_days_ago for article in showcase)


def demo_live(state):
    return Article.objects.published().get(slug__in=demo.live_slugs(), live_state=state)


def test_the_ended_storm_is_a_day_of_entries_with_pictures_an_embed_and_a_pin(
    client,
):
    """About sixty entries over a day, each by a demo author, some with a pool
    picture, one with a resolved embed, one pinned and several key events;
    its page shows them as ended coverage, with no updates script."""
    storm = demo_live(Article.LiveState.ENDED)
    entries = list(storm.live_entries.order_by("created_at"))
    assert 55 <= len(entries) <= 65
    span = entries[-1].created_at - entries[0].created_at
    assert timedelta(hours=20) <= span <= timedelta(hours=26)
    assert entries[-1].created_at < timezone.now() - timedelta(hours=2)
    assert sum(entry.pinned for entry in entries) == 1
    assert sum(entry.key_event for entry in entries) >= 5
    assert all(entry.authors.count() == 1 for entry in entries)
    pictures = [e for e in entries if 'data-element="picture"' in e.body]
    assert len(pictures) >= 4
    pool = set(Image.objects.filter(credit__startswith="Illustration: Ailbhe Joyce"))
    for entry in pictures:
        assert set(Image.objects.filter(pk__in=referenced_ids(entry.body)["image"]))
        assert (
            set(Image.objects.filter(pk__in=referenced_ids(entry.body)["image"]))
            <= pool
        )
    embeds = [e for e in entries if 'data-element="embed"' in e.body]
    assert len(embeds) == 1
    (url,) = referenced_ids(embeds[0].body)["embed"]
    assert url in {embed.url for embed in demo.EMBEDS}
    assert ResolvedEmbed.objects.resolved().filter(url=url).exists()

    html = reading_page(client, storm)
    assert "This live coverage has ended." in html
    assert "data-live-updates" not in html and "live.js" not in html
    assert html.count('<article class="live-entry') == 20
    assert "live-entry--pinned" in html and "Key events" in html
    assert 'class="embed embed--facade"' in html
    assert 'class="element-picture' in html


def test_the_county_final_is_live_with_entries_up_to_minutes_ago(client):
    """Still live when the demo is loaded: its entries fall in the last hours,
    the newest a few minutes old; its page polls for more, and nothing new
    has come since its newest entry."""
    final = demo_live(Article.LiveState.LIVE)
    entries = list(final.live_entries.order_by("created_at"))
    assert len(entries) >= 12
    now = timezone.now()
    assert now - timedelta(minutes=15) < entries[-1].created_at <= now
    assert now - timedelta(hours=4) < entries[0].created_at
    assert final.published_at <= entries[0].created_at
    assert sum(entry.pinned for entry in entries) == 1
    assert any(entry.key_event for entry in entries)

    html = reading_page(client, final)
    newest = max(entry.pk for entry in entries)
    assert f'data-live-latest="{newest}"' in html
    assert "live.js" in html
    answer = client.get(
        reverse("articles:live-updates", args=[final.pk]), {"since": newest}
    ).json()
    assert answer == {"count": 0, "latest": newest, "ended": False, "html": ""}


def test_running_load_demo_again_adds_no_live_entry():
    """The live articles are made once: a later run, when the final's times
    would fall elsewhere, adds neither an article nor an entry."""
    before = dict(
        Article.objects.filter(slug__in=demo.live_slugs()).values_list("slug", "pk")
    )
    entries = LiveEntry.objects.count()
    later = timezone.now() + timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        load_demo("--articles", str(DEMO_ARTICLES))
    after = dict(
        Article.objects.filter(slug__in=demo.live_slugs()).values_list("slug", "pk")
    )
    assert after == before and len(before) == len(demo.LIVE)
    assert LiveEntry.objects.count() == entries
