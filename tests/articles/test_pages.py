import json
import pickle
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.templatetags.static import static
from django.test.utils import override_script_prefix
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    Rendition,
    Section,
    navigation,
)
from newsroom.sql import json_list_sql
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_image,
    make_page,
    make_section,
)
from tests.html import code_scripts, parse, text
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db


def article_links(page):
    """Hrefs of the article headlines on a page, in page order."""
    return [a["href"] for a in page.select(".card__title a")]


def make_rendition(image, fmt, width):
    height = round(width * image.height / image.width)
    return Rendition.objects.create(
        image=image,
        format=fmt,
        width=width,
        height=height,
        file=ContentFile(
            image_bytes(width, height, "WEBP" if fmt == "webp" else "JPEG"),
            name=f"r{width}.{fmt}",
        ),
    )


@pytest.fixture
def full_article():
    """A live opinion piece with every part of the article anatomy."""
    section = make_section(name="Opinion", slug="opinion")
    jane = make_author(
        name="Jane Doe",
        slug="jane-doe",
        bio="Jane Doe, professor of strategic studies, is the author of nine books.",
    )
    john = make_author(name="John Roe", slug="john-roe", bio="John Roe reports.")
    photographer = make_author(name="Aoife Byrne", slug="aoife-byrne", bio="")
    translator = make_author(name="Pádraig Ó Sé", slug="padraig-o-se", bio="")
    agency = make_author(name="Reuters", slug="reuters", bio="")
    article = make_article(
        section=section,
        title="The trade stalemate has yielded little",
        slug="trade-stalemate",
        standfirst="Months of talks have so far yielded little, writes Jane Doe.",
        body="<p>First paragraph of the argument.</p><h2>A subheading</h2>",
        kind=Article.Kind.OPINION,
        published_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
        lead_image=make_image(
            alt_text="Containers stacked at the port",
            caption="Containers at Dublin Port.",
            credit="Aoife Byrne",
        ),
        authors=[
            (jane, "writer"),
            (john, "writer"),
            (photographer, "photographer"),
            (translator, "translator"),
            (agency, "agency"),
        ],
        tags=["Trade", "Japan"],
    )
    Correction.objects.create(
        article=article,
        text="An earlier version gave the wrong year for the treaty.",
        corrected_at=datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
    )
    return article


def test_article_page_shows_every_part_of_the_anatomy(client, full_article):
    """Section label, headline, standfirst, byline, date, picture, body, bios,
    tags and corrections all appear, in reading order."""
    page = parse(client.get(full_article.get_absolute_url()))
    article = page.select_one("main article")

    section_link = article.select_one(".kicker a")
    assert section_link["href"] == "/opinion/"
    assert text(section_link) == "Opinion"
    assert [text(h1) for h1 in page.select("h1")] == [
        "The trade stalemate has yielded little"
    ]
    assert text(article.select_one(".article__standfirst")) == (
        "Months of talks have so far yielded little, writes Jane Doe."
    )
    assert text(article.select_one(".byline")) == (
        "By Jane Doe and John Roe; photographs by Aoife Byrne; "
        "translated by Pádraig Ó Sé; Reuters"
    )
    published = article.select_one(".article__dates time")
    assert published["datetime"] == "2026-03-03T09:30:00+00:00"
    assert text(published) == "3 March 2026, 09:30"

    figure = article.select_one("figure")
    img = figure.select_one("img")
    assert img["alt"] == "Containers stacked at the port"
    assert (img["width"], img["height"]) == ("1600", "900")
    assert text(figure.select_one("figcaption")) == (
        "Containers at Dublin Port. Aoife Byrne"
    )
    assert text(article.select_one(".article__body p")) == (
        "First paragraph of the argument."
    )
    assert text(article.select_one(".article__body h2")) == "A subheading"

    bios = [text(p) for p in article.select(".about-authors__bio")]
    assert bios == [
        "Jane Doe, professor of strategic studies, is the author of nine books. "
        "More from Jane Doe",
        "John Roe reports. More from John Roe",
    ]
    assert {a["href"]: text(a) for a in article.select(".tag-list a")} == {
        "/tags/japan/": "Japan",
        "/tags/trade/": "Trade",
    }
    assert text(article.select_one(".correction")) == (
        "Correction, 4 March 2026: An earlier version gave the wrong year for "
        "the treaty."
    )


def test_article_page_shows_times_in_dublin_time(client):
    """A summer publication time is shown in Irish Summer Time (UTC+1)."""
    article = make_article(published_at=datetime(2026, 7, 1, 11, 5, tzinfo=UTC))
    time = parse(client.get(article.get_absolute_url())).select_one(
        ".article__dates time"
    )
    assert time["datetime"] == "2026-07-01T12:05:00+01:00"
    assert text(time) == "1 July 2026, 12:05"


def test_article_page_says_updated_only_when_edited_after_publication(client):
    """'Updated …' appears once the article was saved well after going live."""
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    page = parse(client.get(article.get_absolute_url()))
    assert page.select_one(".article__updated") is None

    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(hours=3)
    )
    page = parse(client.get(article.get_absolute_url()))
    updated = page.select_one(".article__updated")
    assert text(updated).startswith("Updated ")
    assert updated.select_one("time")["datetime"]


def test_lead_image_caption_on_the_article_overrides_the_images_own(client):
    """An article-specific caption replaces the caption stored on the image."""
    article = make_article(
        lead_image=make_image(caption="Stock caption", credit="Agency"),
        lead_image_caption="The minister arriving on Tuesday.",
    )
    figure = parse(client.get(article.get_absolute_url())).select_one("figure")
    assert text(figure.select_one("figcaption")) == (
        "The minister arriving on Tuesday. Agency"
    )


def test_byline_keeps_article_author_order_and_roles(client):
    """Names follow ArticleAuthor.position, not creation order or alphabet;
    each run of one role shares its introduction."""
    article = make_article()
    zoe = make_author(name="Zoe Adams", slug="zoe-adams")
    bob = make_author(name="Bob Brown", slug="bob-brown")
    cat = make_author(name="Cat Cole", slug="cat-cole")
    ArticleAuthor.objects.create(
        article=article, author=zoe, role="reporter", position=2
    )
    ArticleAuthor.objects.create(
        article=article, author=bob, role="photographer", position=3
    )
    ArticleAuthor.objects.create(article=article, author=cat, role="writer", position=1)

    page = parse(client.get(article.get_absolute_url()))
    byline = page.select_one(".byline")
    assert text(byline) == "By Cat Cole and Zoe Adams; photographs by Bob Brown"
    assert [a["href"] for a in byline.select("a")] == [
        "/authors/cat-cole/",
        "/authors/zoe-adams/",
        "/authors/bob-brown/",
    ]


def test_byline_of_three_writers_reads_as_a_list(client):
    """Three names read 'A, B and C'."""
    authors = [make_author(name=name) for name in ("Ann One", "Ben Two", "Cy Three")]
    article = make_article(authors=authors)
    page = parse(client.get(article.get_absolute_url()))
    assert text(page.select_one(".byline")) == "By Ann One, Ben Two and Cy Three"


def test_more_in_this_section_lists_other_live_articles_of_the_section(client):
    """Latest first, this article, other sections and unpublished ones left out."""
    section = make_section()
    article = make_article(section=section)
    older = make_article(
        section=section, published_at=timezone.now() - timedelta(days=2)
    )
    newer = make_article(
        section=section, published_at=timezone.now() - timedelta(minutes=5)
    )
    make_article(section=section, status=Article.Status.DRAFT, slug="draft-one")
    make_article(section=section, published_at=timezone.now() + timedelta(days=1))
    make_article()  # another section

    page = parse(client.get(article.get_absolute_url()))
    more = page.select_one(".more")
    assert text(more.select_one("h2")) == f"More in {section.name}"
    assert [a["href"] for a in more.select(".card__title a")] == [
        newer.get_absolute_url(),
        older.get_absolute_url(),
    ]


@pytest.mark.parametrize(
    ("status", "offset"),
    [
        (Article.Status.DRAFT, timedelta(hours=-1)),
        (Article.Status.REVIEW, timedelta(hours=-1)),
        (Article.Status.PUBLISHED, timedelta(hours=1)),
    ],
)
def test_unpublished_and_scheduled_articles_are_not_found(client, status, offset):
    """Drafts, articles in review and future ones answer 404 and are listed
    nowhere."""
    article = make_article(status=status, published_at=timezone.now() + offset)
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in (
        reverse("articles:home"),
        article.section.get_absolute_url(),
    ):
        assert article.get_absolute_url() not in article_links(parse(client.get(url)))


def test_scheduled_article_goes_live_by_itself_when_its_time_comes(client, monkeypatch):
    """No job runs: once the clock passes published_at the page answers."""
    publish_at = timezone.now() + timedelta(hours=2)
    article = make_article(published_at=publish_at)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404

    later = publish_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(url)
    assert response.status_code == 200
    assert url in article_links(parse(client.get(reverse("articles:home"))))


def test_article_appears_on_home_section_author_and_tag_pages(client):
    """A live article is listed wherever a reader would look for it."""
    author = make_author()
    article = make_article(authors=[author], tags=["Harbour"])
    url = article.get_absolute_url()
    for page_url in (
        reverse("articles:home"),
        article.section.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["harbour"]),
    ):
        response = client.get(page_url)
        assert response.status_code == 200
        assert url in article_links(parse(response)), page_url


def test_home_shows_the_lead_top_stories_latest_then_each_section(client):
    """The newest article leads, the next three are top stories, then the
    latest headlines with their times; sections follow in menu order with
    their own latest stories."""
    news = make_section(name="News", position=1)
    sport = make_section(name="Sport", position=2)
    now = timezone.now()
    sport_old = make_article(section=sport, published_at=now - timedelta(hours=15))
    news_lead = make_article(section=news, published_at=now - timedelta(minutes=1))
    top = [
        make_article(section=news, published_at=now - timedelta(hours=hours))
        for hours in (1, 2, 3)
    ]
    latest = [
        make_article(section=news, published_at=now - timedelta(hours=hours))
        for hours in range(4, 12)
    ]
    news_second = make_article(section=news, published_at=now - timedelta(hours=12))
    sport_new = make_article(section=sport, published_at=now - timedelta(hours=13))

    page = parse(client.get(reverse("articles:home")))
    lead = page.select_one(".front-lead")
    assert article_links(lead) == [news_lead.get_absolute_url()]
    assert article_links(page.select_one(".front-top")) == [
        article.get_absolute_url() for article in top
    ]
    items = page.select(".front-latest li")
    assert [li.a["href"] for li in items] == [a.get_absolute_url() for a in latest]
    assert items[0].time["datetime"]
    blocks = page.select(".front-section:not(.front-top)")
    assert [text(block.select_one("h2")) for block in blocks] == ["News", "Sport"]
    assert article_links(blocks[0]) == [news_second.get_absolute_url()]
    assert article_links(blocks[1]) == [
        sport_new.get_absolute_url(),
        sport_old.get_absolute_url(),
    ]


def test_home_shows_no_story_twice_and_at_most_four_per_section(client):
    """Each article appears once on the front page, however many there are."""
    sections = [make_section() for _ in range(3)]
    for n in range(30):
        make_article(
            section=sections[n % 3],
            published_at=timezone.now() - timedelta(minutes=n + 1),
        )
    page = parse(client.get(reverse("articles:home")))
    links = article_links(page) + [a["href"] for a in page.select(".latest-list a")]
    # Lead, three top stories, eight latest, then four in each section.
    assert len(links) == len(set(links)) == 1 + 3 + 8 + 3 * 4
    for block in page.select(".front-section:not(.front-top)"):
        assert len(article_links(block)) == 4


def test_section_pages_are_paginated_newest_first(client):
    """Twenty articles a page, ?page= moves on, a page past the end is 404."""
    section = make_section()
    articles = [
        make_article(
            section=section, published_at=timezone.now() - timedelta(hours=n + 1)
        )
        for n in range(23)
    ]
    url = section.get_absolute_url()
    first = parse(client.get(url))
    assert article_links(first) == [a.get_absolute_url() for a in articles[:20]]
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"
    assert first.select_one('a[rel="prev"]') is None

    second = parse(client.get(url, {"page": 2}))
    assert article_links(second) == [a.get_absolute_url() for a in articles[20:]]
    assert second.select_one('a[rel="prev"]')["href"] == "?page=1"
    assert second.select_one('link[rel="canonical"]')["href"].endswith(f"{url}?page=2")
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404


def test_section_author_and_tag_pages_open_with_a_lead_then_a_grid(client):
    """
    The newest story leads as a large card across the page with an eager
    picture; the rest follow in the grid of cards. Later pages have no lead.
    """
    section = make_section()
    author = make_author()
    articles = [
        make_article(
            section=section,
            authors=[author],
            tags=["Harbour"],
            lead_image=make_image(),
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(22)
    ]
    for url in (
        section.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["harbour"]),
    ):
        page = parse(client.get(url))
        lead = page.select_one(".card-list--grid > li.card-list__lead .card--lead")
        assert article_links(lead) == [articles[0].get_absolute_url()], url
        assert lead.select_one("img")["fetchpriority"] == "high"
        rest = page.select(".card-list--grid > li:not(.card-list__lead)")
        assert [article_links(li)[0] for li in rest] == [
            a.get_absolute_url() for a in articles[1:20]
        ]
        assert all(li.img["loading"] == "lazy" for li in rest)
        second = parse(client.get(url, {"page": 2}))
        assert not second.select(".card-list__lead, .card--lead")


def test_section_page_shows_its_name_and_description(client):
    """The section's name is the page's only h1, its description below."""
    section = make_section(name="Business", description="Money and work.")
    page = parse(client.get(section.get_absolute_url()))
    assert [text(h1) for h1 in page.select("h1")] == ["Business"]
    assert text(page.select_one(".page-header__intro")) == "Money and work."
    current = page.select_one('.section-bar a[aria-current="true"]')
    assert current["href"] == section.get_absolute_url()


def test_author_page_shows_photo_role_bio_and_their_articles(client):
    """The profile, then the author's live articles only."""
    author = make_author(
        name="Jane Doe",
        role="Economics editor",
        bio="Jane Doe writes about money.",
        photo=make_image(alt_text="Jane Doe"),
    )
    mine = make_article(authors=[author])
    make_article(authors=[author], status=Article.Status.DRAFT, slug="mine-draft")
    make_article()
    page = parse(client.get(author.get_absolute_url()))
    assert [text(h1) for h1 in page.select("h1")] == ["Jane Doe"]
    assert page.select_one(".profile__photo img")["alt"] == "Jane Doe"
    assert text(page.select_one(".profile__role")) == "Economics editor"
    assert text(page.select_one(".profile__bio")) == "Jane Doe writes about money."
    assert article_links(page) == [mine.get_absolute_url()]


def test_tag_page_lists_live_articles_with_the_tag(client):
    """Only live articles carrying the tag are listed, with their section."""
    tagged = make_article(tags=["Housing"])
    make_article(tags=["Housing"], status=Article.Status.REVIEW, slug="in-review")
    make_article(tags=["Transport"])
    page = parse(client.get(reverse("articles:tag", args=["housing"])))
    assert [text(h1) for h1 in page.select("h1")] == ["Housing"]
    assert article_links(page) == [tagged.get_absolute_url()]
    assert text(page.select_one(".card .kicker")) == tagged.section.name


def test_tag_used_only_on_unpublished_articles_is_not_found(client):
    """A tag page reveals nothing about drafts."""
    make_article(tags=["Secret plans"], status=Article.Status.DRAFT)
    assert client.get(reverse("articles:tag", args=["secret-plans"])).status_code == (
        404
    )
    assert client.get(reverse("articles:tag", args=["no-such-tag"])).status_code == 404


def test_changed_slug_answers_permanent_redirect_to_the_new_address(client):
    """Old links keep working after the slug changes, even twice."""
    article = make_article(slug="first-slug")
    first_url = article.get_absolute_url()
    article.slug = "second-slug"
    article.save()
    second_url = article.get_absolute_url()
    article.slug = "third-slug"
    article.save()
    for old_url in (first_url, second_url):
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == "/" + article.section.slug + "/third-slug/"


def test_changed_section_answers_permanent_redirect_to_the_new_address(client):
    """Moving an article to another section redirects its old address."""
    article = make_article(section=make_section(slug="news"), slug="the-story")
    article.section = make_section(slug="business")
    article.save()
    response = client.get("/news/the-story/")
    assert response.status_code == 301
    assert response["Location"] == "/business/the-story/"


def test_right_slug_in_the_wrong_section_answers_permanent_redirect(client):
    """A mistyped section in the address redirects to the article's own."""
    article = make_article(section=make_section(slug="sport"), slug="cup-final")
    make_section(slug="culture")
    response = client.get("/culture/cup-final/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_old_address_of_an_article_taken_down_is_not_found(client):
    """A redirect never leads to an article that is no longer live."""
    article = make_article(slug="before")
    old_url = article.get_absolute_url()
    article.slug = "after"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def reader_pages():
    author = make_author()
    article = make_article(authors=[author], tags=["Weather"])
    return [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        article.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["weather"]),
        reverse("articles:search") + "?q=council",
    ]


def test_reader_pages_set_no_cookie_and_are_publicly_cacheable(client):
    """Anonymous responses carry no Set-Cookie, so a CDN may cache them."""
    for url in reader_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
        assert response["Cache-Control"] == (
            "public, max-age=60, s-maxage=300, stale-while-revalidate=1, "
            "stale-if-error=86400"
        ), url
        assert "Cookie" not in response.get("Vary", ""), url


def test_reader_pages_are_private_for_logged_in_staff(client, django_user_model):
    """A logged-in user's responses are never stored by a shared cache."""
    client.force_login(django_user_model.objects.create_user("editor"))
    for url in reader_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_pages_are_accessible_landmarks_with_one_h1_and_no_inline_code(client):
    """lang, a skip link to main, header/nav/main/footer, one h1, headings
    without skipped levels, alt on every image, no inline script and no
    inline style."""
    image = make_image()
    author = make_author(photo=image)
    make_article(authors=[author], tags=["Weather"], lead_image=image)
    make_article(lead_image=image)
    for url in reader_pages():
        page = parse(client.get(url))
        assert page.html["lang"] == "en-ie"
        skip = page.select_one("a.skip-link")
        assert skip["href"] == "#main"
        assert page.select_one("main#main")
        for landmark in ("header", "nav", "footer"):
            assert page.select_one(f"body > {landmark}, body > * > {landmark}"), url
        assert len(page.select("h1")) == 1, url
        levels = [int(h.name[1]) for h in page.select("h1, h2, h3, h4, h5, h6")]
        assert levels[0] == 1, url
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), url
        assert all(img.get("alt") for img in page.select("img")), url
        assert code_scripts(page) == [], url
        assert page.select("[style]") == [], url
        assert page.select("style") == [], url


def test_meta_tags_use_the_seo_overrides_and_a_canonical_address(client, settings):
    """Search engines and social cards see the SEO title and description."""
    settings.SITE_URL = "https://news.example.org"
    article = make_article(
        title="A very long headline for the page",
        seo_title="Short headline",
        seo_description="What search engines show.",
        lead_image=make_image(),
    )
    page = parse(client.get(article.get_absolute_url()))
    assert text(page.title) == "Short headline | The Newsroom Herald"
    assert page.select_one('meta[name="description"]')["content"] == (
        "What search engines show."
    )
    assert page.select_one('meta[property="og:title"]')["content"] == ("Short headline")
    canonical = "https://news.example.org" + article.get_absolute_url()
    assert page.select_one('link[rel="canonical"]')["href"] == canonical
    assert page.select_one('meta[property="og:url"]')["content"] == canonical
    assert page.select_one('meta[property="og:type"]')["content"] == "article"
    assert page.select_one('meta[property="og:image"]')["content"].startswith(
        "https://news.example.org/media/"
    )


def test_meta_description_falls_back_to_the_standfirst(client):
    """Without an SEO description the standfirst describes the page."""
    article = make_article(standfirst="The short version of the story.")
    page = parse(client.get(article.get_absolute_url()))
    assert page.select_one('meta[name="description"]')["content"] == (
        "The short version of the story."
    )


def test_picture_offers_modern_formats_and_a_jpeg_fallback(client):
    """
    With renditions, WebP/AVIF sources are offered and the <img> names one
    JPEG, without a srcset no browser would read.
    """
    image = make_image()
    image.renditions.all().delete()
    webp_small = make_rendition(image, "webp", 333)
    webp_large = make_rendition(image, "webp", 666)
    make_rendition(image, "jpeg", 333)
    jpeg_large = make_rendition(image, "jpeg", 666)
    article = make_article(lead_image=image)
    picture = parse(client.get(article.get_absolute_url())).select_one("figure picture")
    source = picture.select_one('source[type="image/webp"]')
    assert source["srcset"] == (
        f"{webp_small.file.url} 333w, {webp_large.file.url} 666w"
    )
    img = picture.select_one("img")
    assert img["src"] == jpeg_large.file.url
    assert not img.has_attr("srcset") and not img.has_attr("sizes")
    assert (img["width"], img["height"]) == ("1600", "900")


def test_picture_in_jpeg_only_offers_the_jpeg_srcset(client):
    """Without modern renditions the <img> offers its JPEGs by width."""
    image = make_image()
    image.renditions.all().delete()
    jpeg_small = make_rendition(image, "jpeg", 333)
    jpeg_large = make_rendition(image, "jpeg", 666)
    article = make_article(lead_image=image)
    picture = parse(client.get(article.get_absolute_url())).select_one("figure picture")
    assert picture.select("source") == []
    img = picture.select_one("img")
    assert img["srcset"] == f"{jpeg_small.file.url} 333w, {jpeg_large.file.url} 666w"
    assert img["src"] == jpeg_large.file.url
    assert img["sizes"] == "(min-width: 52rem) 48rem, 100vw"


def test_picture_without_renditions_falls_back_to_the_original_file(client):
    """An image whose renditions are not made yet still shows."""
    image = make_image()
    image.renditions.all().delete()
    article = make_article(lead_image=image)
    picture = parse(client.get(article.get_absolute_url())).select_one("figure picture")
    assert picture.select("source") == []
    img = picture.select_one("img")
    assert img["src"] == image.file.url
    assert not img.has_attr("srcset")
    assert (img["width"], img["height"]) == ("1600", "900")


def test_reader_text_is_escaped_in_public_html(client):
    """Headline, standfirst, caption, alt text and names never become markup."""
    evil = '<script>alert(1)</script><img src=x onerror="alert(1)">'
    article = make_article(
        title=f"Headline {evil}",
        standfirst=f"Standfirst {evil}",
        lead_image=make_image(alt_text=f"Alt {evil}", caption=f"Caption {evil}"),
        authors=[make_author(name=f"Name {evil}", bio=f"Bio {evil}")],
        tags=["Tag <script>"],
    )
    for url in (
        article.get_absolute_url(),
        reverse("articles:home"),
        article.section.get_absolute_url(),
    ):
        page = parse(client.get(url))
        assert code_scripts(page) == [], url
        assert not page.select("[onerror]"), url


def test_script_and_event_handlers_in_the_body_never_reach_public_html(client):
    """Whatever was stored through the ORM, the page carries no script,
    no on* handler and no javascript: link."""
    body = (
        "<p>Before</p><script>alert(1)</script>"
        '<p><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.org/" onclick="alert(1)">ok</a></p>'
    )
    article = make_article(body=body)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    page = parse(response)
    assert code_scripts(page) == []
    assert not [
        el for el in page.find_all(True) if any(a.startswith("on") for a in el.attrs)
    ]
    assert "javascript:" not in html
    assert text(page.select_one(".article__body p")) == "Before"


def test_unknown_address_shows_the_not_found_page(client):
    """A 404 is a page of the paper with a way back to the front page."""
    response = client.get("/no-such-section/no-such-article/")
    assert response.status_code == 404
    page = parse(response)
    assert text(page.select_one("h1")) == "Page not found"
    assert page.select_one('main a[href="/"]')


def test_section_bar_lists_sections_in_menu_order(client):
    """The bar follows Section.position, whatever the names."""
    make_section(name="Sport", slug="sport", position=3)
    make_section(name="News", slug="news", position=1)
    make_section(name="Arts", slug="arts", position=2)
    page = parse(client.get(reverse("articles:home")))
    assert [text(a) for a in page.select("nav.section-bar a")] == [
        "News",
        "Arts",
        "Sport",
    ]
    assert text(page.select_one("h1")) == "The Newsroom Herald"


def test_section_bar_links_each_section_and_marks_the_current_one(client):
    """The bar's markup, names escaped, the section being read marked."""
    make_section(name="News", slug="news", position=1)
    make_section(name="Arts & Books", slug="arts", position=2)
    html = client.get(reverse("articles:section", args=["arts"])).text
    assert (
        '<nav class="section-bar" aria-label="Sections">\n'
        '<ul class="section-bar__list">\n'
        '<li><a href="/news/">News</a></li>\n'
        '<li><a href="/arts/" aria-current="true">Arts &amp; Books</a></li>\n'
        "</ul>\n</nav>\n\n</header>"
    ) in html


def test_the_frames_own_links_are_reversed_once_per_process(client):
    """Front page, search and feeds: one reverse() each per process and prefix."""
    navigation.reversed_site_addresses.cache_clear()
    html = client.get(reverse("articles:home")).text
    client.get(reverse("articles:search"), {"q": "storm"})
    assert (
        '<p><a href="/">The Newsroom Herald</a> · © '
        f'{timezone.now().year} · <a href="/search/">Search</a> · '
        '<a href="/feeds/rss/">RSS</a> · <a href="/feeds/atom/">Atom</a></p>'
    ) in html
    # Reversed for the first page, and only read after that (the footer and
    # the pages' JSON-LD read them several times a page).
    info = navigation.reversed_site_addresses.cache_info()
    assert info.misses == 1 and info.hits >= 1
    with override_script_prefix("/paper/"):
        assert navigation.site_addresses()["atom"] == "/paper/feeds/atom/"


def test_the_site_frame_kept_in_the_cache_reads_back_as_it_was_read():
    """
    Kept as its rows (SiteFrame.__reduce__), which pickle in a fraction of
    the time: read back, its sections, pages and next change are the same.
    """
    make_section(name="Sport", slug="sport", position=2)
    make_section(name="News", slug="news", position=1, description="All of it")
    make_page(path="/about/", title="About us")
    make_page(path="/soon/", published_at=timezone.now() + timedelta(days=1))
    frame = navigation.read_site_frame()

    kept = pickle.dumps(frame, pickle.HIGHEST_PROTOCOL)
    again = pickle.loads(kept)

    assert b"model_unpickle" not in kept  # rows, not model instances

    assert (again.pages, again.next_change) == (frame.pages, frame.next_change)
    assert again.parts == frame.parts and frame.parts  # the newsletters' part
    assert [vars(s) | {"_state": None} for s in again.sections] == [
        vars(s) | {"_state": None} for s in frame.sections
    ]
    assert [vars(s._state) for s in again.sections] == [
        vars(s._state) for s in frame.sections
    ]
    assert again.next_change is not None
    assert isinstance(again.sections[0], Section)


def test_a_site_frame_without_sections_reads_back_as_it_was_read():
    """Its pages and next change (a page still to come) are the same."""
    make_page(path="/later/", title="B", published_at=timezone.now() + timedelta(1))
    make_page(path="/about/", title="A", footer_position=2)
    make_page(path="/contact/", title="C", footer_position=1)
    frame = navigation.read_site_frame()

    again = pickle.loads(pickle.dumps(frame, pickle.HIGHEST_PROTOCOL))

    assert again == frame
    assert [p.path for p in again.pages] == ["/later/", "/contact/", "/about/"]
    assert again.sections == [] and again.next_change == frame.pages[0].published_at


def test_a_part_another_app_registers_rides_on_the_site_frames_statement(
    monkeypatch, django_assert_num_queries
):
    make_section(name="News")
    monkeypatch.setitem(
        navigation._frame_parts,
        "section-names",
        lambda connection: json_list_sql(
            connection, "name", "FROM articles_section", "name"
        ),
    )
    with django_assert_num_queries(1):
        frame = navigation.read_site_frame()
    assert json.loads(frame.parts["section-names"]) == [["News"]]
    assert [s.name for s in frame.sections] == ["News"]


def test_a_site_frame_part_is_named_in_plain_words():
    with pytest.raises(ValueError, match="words and hyphens"):
        navigation.frame_part("x'); DROP TABLE articles_article; --", str)


def test_section_bar_comes_from_the_cache_until_a_section_changes(
    client, django_assert_num_queries
):
    """
    The sections are read once per content version: a warm page spends no
    query on its section bar, and a renamed or reordered section shows on
    the next request.
    """
    sport = make_section(name="Sport", slug="sport", position=2)
    make_section(name="News", slug="news", position=1)
    client.get(reverse("articles:home"))
    with django_assert_num_queries(0):
        assert [s.name for s in Section.objects.in_menu()] == ["News", "Sport"]
    sport.name, sport.position = "Sports", 0
    sport.save()
    page = parse(client.get(reverse("articles:home")))
    assert [text(a) for a in page.select("nav.section-bar a")] == ["Sports", "News"]
    Section.objects.filter(slug="sport").update(position=9)
    page = parse(client.get(reverse("articles:home")))
    assert [text(a) for a in page.select("nav.section-bar a")] == ["News", "Sports"]


def test_article_kind_is_labelled_beside_the_section(client):
    """An analysis in News reads 'News Analysis'; an opinion piece in
    Opinion does not say Opinion twice."""
    analysis = make_article(
        section=make_section(name="News", slug="news"), kind=Article.Kind.ANALYSIS
    )
    page = parse(client.get(analysis.get_absolute_url()))
    assert text(page.select_one(".article__header .kicker")) == "News Analysis"

    opinion = make_article(
        section=make_section(name="Opinion", slug="opinion"), kind=Article.Kind.OPINION
    )
    page = parse(client.get(opinion.get_absolute_url()))
    assert text(page.select_one(".article__header .kicker")) == "Opinion"


def test_share_links_carry_the_canonical_address_and_load_nothing(client, settings):
    """
    Email, WhatsApp, X, Facebook and LinkedIn links, built on the server with
    the canonical address; nothing on the page comes from another origin.
    """
    settings.SITE_URL = "https://news.example.org"
    article = make_article(title="Harbour & quay: the plan", lead_image=make_image())
    response = client.get(article.get_absolute_url() + "?utm_source=feed")
    page = parse(response)
    canonical = "https://news.example.org" + article.get_absolute_url()
    links = {text(a): a["href"] for a in page.select(".share a")}

    assert list(links) == ["Email", "WhatsApp", "X", "Facebook", "LinkedIn"]
    encoded = quote(canonical, safe="")
    assert links["Email"] == (
        f"mailto:?subject=Harbour%20%26%20quay%3A%20the%20plan&body={encoded}"
    )
    assert links["WhatsApp"].startswith("https://wa.me/?text=")
    assert links["X"] == (
        f"https://x.com/intent/post?url={encoded}&text=Harbour+%26+quay%3A+the+plan"
    )
    assert links["Facebook"] == (
        f"https://www.facebook.com/sharer/sharer.php?u={encoded}"
    )
    assert links["LinkedIn"] == (
        f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}"
    )
    for href in links.values():
        assert encoded in href and "utm_source" not in href
    # Nothing the page loads by itself comes from elsewhere: no script,
    # stylesheet, picture or frame of the sharing services.
    loaded = [
        *(s.get("src", "") for s in page.select("script[src], img, iframe")),
        *(link["href"] for link in page.select("link[rel=stylesheet], link[rel=icon]")),
        *(s["srcset"] for s in page.select("[srcset]")),
    ]
    assert loaded
    for url in loaded:
        assert url.startswith(("/", "https://news.example.org/")), url
    assert not page.select("iframe")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("words", "written"),
    [(40, "1 minute to read"), (460, "2 minutes to read"), (1150, "5 minutes to read")],
)
def test_reading_time_is_shown_under_the_byline(client, words, written):
    """230 words a minute, at least one minute, right after the byline."""
    body = "<p><em>" + " ".join(["harbour"] * words) + "</em></p>"
    article = make_article(authors=[make_author()], body=body)
    page = parse(client.get(article.get_absolute_url()))
    meta = page.select_one(".article__meta")
    assert text(meta.select_one(".article__reading-time")) == written
    assert (
        "byline"
        in meta.select_one(".article__reading-time").find_previous("p")["class"]
    )


def test_lead_picture_is_preloaded_at_the_size_the_page_shows_it(client):
    """
    Home, section and article pages preload their lead picture in the head,
    in the picture's first format, with the same srcset and sizes as the
    picture itself (so the browser reuses it) and a high priority; the
    page's other pictures wait their turn.
    """
    section = make_section()
    article = make_article(section=section, lead_image=make_image())
    make_article(
        section=section,
        lead_image=make_image(),
        published_at=article.published_at - timedelta(hours=1),
    )
    for url in (
        reverse("articles:home"),
        section.get_absolute_url(),
        article.get_absolute_url(),
    ):
        page = parse(client.get(url))
        [preload] = page.select('head link[rel="preload"][as="image"]')
        lead = page.select_one(".card--lead picture, .article__figure picture")
        source = lead.select_one("source")
        assert preload["type"] == source["type"], url
        assert source["type"] in ("image/avif", "image/webp")
        assert preload["imagesrcset"] == source["srcset"], url
        assert preload["imagesizes"] == source["sizes"], url
        assert preload["fetchpriority"] == "high"
        assert lead.img["fetchpriority"] == "high" and lead.img["loading"] == "eager"
        assert [img["loading"] for img in page.select("main img")][1:] == ["lazy"] * (
            len(page.select("main img")) - 1
        ), url


@pytest.mark.parametrize(
    ("media_url", "preconnect"),
    [
        ("https://media.example.net/paper/", ["https://media.example.net"]),
        ("https://news.example.org/media/", []),
        ("/media/", []),
    ],
    ids=["media-host", "same-origin", "relative"],
)
def test_head_connects_to_a_separate_media_host_before_anything_else(
    client, settings, media_url, preconnect
):
    """
    When pictures come from another origin (a CDN), the head opens the
    connection to it first thing, before the stylesheet and the lead
    picture's preload, so the picture does not wait for a fresh connection;
    pictures from the site's own origin need no such hint.
    """
    settings.SITE_URL = "https://news.example.org"
    settings.MEDIA_URL = media_url
    article = make_article(lead_image=make_image())
    for url in (reverse("articles:home"), article.get_absolute_url()):
        head = parse(client.get(url)).head
        hints = head.select('link[rel="preconnect"]')
        assert [hint["href"] for hint in hints] == preconnect, url
        assert all("crossorigin" not in hint.attrs for hint in hints)
        if hints:
            assert head.select("link")[0] is hints[0], url
            assert head.select_one('link[rel="preload"]')["imagesrcset"].startswith(
                preconnect[0] + "/paper/"
            )


def test_reading_pages_link_the_site_stylesheet_and_carry_no_inline_style(client):
    """
    Home, section and article pages (the article with its newsletter offer)
    link the site's stylesheet from their head, a file browsers keep for a
    year under its hash (so a reader pays for it once, not on every page),
    and carry no inline style: the policy lets styles come only from the site.
    """
    make_newsletter()
    section = make_section()
    article = make_article(section=section, lead_image=make_image())
    assert parse(client.get(article.get_absolute_url())).select(".newsletter-form")
    for url in (
        reverse("articles:home"),
        section.get_absolute_url(),
        article.get_absolute_url(),
    ):
        response = client.get(url)
        page = parse(response)
        assert page.select("style") == [], url
        [link] = page.select('link[rel="stylesheet"]')
        assert link.parent.name == "head"
        assert link["href"] == static("newsroom/css/site.css"), url
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["style-src"].split() == ["'self'"]


def test_reading_pages_go_out_compressed(client):
    """A browser that accepts gzip gets the page compressed, to half or less."""
    article = make_article(body="<p>" + "The council met on Tuesday. " * 200 + "</p>")
    for url in (reverse("articles:home"), article.get_absolute_url()):
        plain = client.get(url)
        packed = client.get(url, headers={"accept-encoding": "gzip"})
        assert packed["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in packed["Vary"]
        assert len(packed.content) * 2 < len(plain.content), url
