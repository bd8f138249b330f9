"""
What the article page writes in Python rather than through templates, byte
for byte: its header, lead picture and footer (article_top, article_footer),
the cards below it (cards_below), its body's elements (articles.elements),
the preload of its largest picture (preload_picture) and the <meta> tags of
its head (page_meta), every value escaped.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.template import Context, Template
from django.templatetags.static import static
from django.utils.text import Truncator, slugify

from articles.elements import embed_html, render_body
from articles.models import Article, ArticleAuthor
from articles.templatetags.article_tags import article_cards, cut_to, picture
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_correction,
    make_image,
    make_resolved_embed,
    make_section,
)

pytestmark = pytest.mark.django_db

# 14:32 in Dublin (winter: UTC), edited 14:50.
PUBLISHED = datetime(2026, 12, 6, 14, 32, tzinfo=UTC)
UPDATED = PUBLISHED + timedelta(minutes=18)
COLUMN = "(min-width: 52rem) 48rem, 100vw"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def between(html, start, end):
    """The part of `html` from `start` up to and including `end`."""
    first = html.index(start)
    return html[first : html.index(end, first) + len(end)]


@pytest.fixture
def harbour():
    return make_section(name="Harbour & Quays", slug="harbour")


@pytest.fixture
def analysis(harbour):
    """An analysis piece with a lead picture, two writers, tags, a correction."""
    jane = make_author(
        name="Jane <Doe>", slug="jane-doe", bio="Writes on ports & tides."
    )
    tom = make_author(name="Tom Roe", slug="tom-roe", bio="")
    kim = make_author(name="Kim Mor", slug="kim-mor", bio="Photographs the coast.")
    image = make_image(
        file=image_upload(width=480, height=270),
        alt_text='The "new" quay',
        caption="Ignored: the article has its own.",
        credit="Kim Mor/Herald",
    )
    article = make_article(
        section=harbour,
        kind=Article.Kind.ANALYSIS,
        title='Why the "harbour plan" costs €40m & more',
        slug="why-the-harbour-plan-costs-more",
        standfirst="Three reasons, <none> of them new.",
        lead_image=image,
        lead_image_caption="The quay at low tide.",
        published_at=PUBLISHED,
        authors=[jane, tom, (kim, ArticleAuthor.Role.PHOTOGRAPHER)],
        tags=["Harbour works", "Budgets"],
    )
    Article.objects.filter(pk=article.pk).update(updated_at=UPDATED)
    make_correction(
        article,
        text="The cost was <€40m>, not €4m.",
        corrected_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    )
    article.refresh_from_db()
    return article


def test_the_header_writes_section_kind_headline_standfirst_byline_and_dates(
    client, analysis
):
    html = page(client, analysis)
    assert between(html, '<header class="article__header">', "</header>\n") == (
        '<header class="article__header">\n'
        '<p class="kicker"><a href="/harbour/">Harbour &amp; Quays</a> '
        '<span class="kicker__kind">Analysis</span></p>\n'
        '<h1 class="article__title">Why the &quot;harbour plan&quot; costs €40m '
        "&amp; more</h1>\n"
        '<p class="article__standfirst">Three reasons, &lt;none&gt; of them new.</p>\n'
        '<div class="article__meta">\n'
        '<p class="byline">By <a class="byline__author" href="/authors/jane-doe/">'
        'Jane &lt;Doe&gt;</a> and <a class="byline__author" href="/authors/tom-roe/">'
        'Tom Roe</a>; photographs by <a class="byline__author" '
        'href="/authors/kim-mor/">Kim Mor</a>\n'
        "</p>\n"
        '<p class="article__reading-time">1 minute to read</p>\n'
        '<p class="article__dates">\n'
        '<time datetime="2026-12-06T14:32:00+00:00">6 December 2026, 14:32</time>\n'
        '<span class="article__updated">Updated '
        '<time datetime="2026-12-06T14:50:00+00:00">6 December 2026, 14:50</time>'
        "</span>\n"
        "</p>\n"
        "</div>\n"
        "</header>\n"
    )


def test_the_lead_picture_is_eager_with_the_articles_caption_and_the_credit(
    client, analysis
):
    html = page(client, analysis)
    image = analysis.lead_image
    figure = between(html, '<figure class="article__figure">', '<div class="article')
    assert figure == (
        '<figure class="article__figure">\n'
        f"{picture(image, COLUMN, loading='eager')}\n"
        "<figcaption>The quay at low tide. "
        '<span class="credit">Kim Mor/Herald</span></figcaption>\n'
        "</figure>\n"
        "\n"
        '<div class="article'
    )


def test_a_short_untagged_news_story_writes_only_what_it_has(client, harbour):
    article = make_article(
        section=harbour,
        title="Quay reopens",
        slug="quay-reopens",
        standfirst="",
        body="<p>Open.</p>",
        published_at=PUBLISHED,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=PUBLISHED)
    html = page(client, article)
    top = between(html, '<header class="article__header">', "</div>\n\n")
    assert top == (
        '<header class="article__header">\n'
        '<p class="kicker"><a href="/harbour/">Harbour &amp; Quays</a></p>\n'
        '<h1 class="article__title">Quay reopens</h1>\n'
        "\n"
        '<div class="article__meta">\n'
        "\n"
        '<p class="article__reading-time">1 minute to read</p>\n'
        '<p class="article__dates">\n'
        '<time datetime="2026-12-06T14:32:00+00:00">6 December 2026, 14:32</time>\n'
        "\n"
        "</p>\n"
        "</div>\n"
        "</header>\n"
        "\n"
        '<div class="article__body prose">\n'
        "<p>Open.</p>\n"
        "</div>\n\n"
    )
    footer = between(html, '<footer class="article__footer">', "</article>")
    assert footer.endswith("</section>\n\n\n\n</footer>\n</article>")
    assert "about-authors" not in footer
    assert "topics" not in footer
    assert "corrections" not in footer


def test_the_footer_writes_share_links_bios_tags_and_corrections(client, analysis):
    html = page(client, analysis)
    address = quote(
        f"{settings.SITE_URL}/harbour/why-the-harbour-plan-costs-more/", safe=""
    )
    title = "Why+the+%22harbour+plan%22+costs+%E2%82%AC40m+%26+more"
    assert between(html, '<footer class="article__footer">', "</article>") == (
        '<footer class="article__footer">\n'
        '<section class="share" aria-labelledby="share-title">\n'
        '<h2 class="rule-heading" id="share-title">Share this article</h2>\n'
        '<ul class="share__list">\n'
        '<li><a class="share__link" href="mailto:?subject=Why%20the%20%22harbour%20'
        f'plan%22%20costs%20%E2%82%AC40m%20%26%20more&amp;body={address}" '
        'rel="noopener noreferrer">Email</a></li>'
        f'<li><a class="share__link" href="https://wa.me/?text={title}+{address}" '
        'rel="noopener noreferrer">WhatsApp</a></li>'
        '<li><a class="share__link" href="https://x.com/intent/post?url='
        f'{address}&amp;text={title}" rel="noopener noreferrer">X</a></li>'
        '<li><a class="share__link" href="https://www.facebook.com/sharer/sharer.php'
        f'?u={address}" rel="noopener noreferrer">Facebook</a></li>'
        '<li><a class="share__link" href="https://www.linkedin.com/sharing/'
        f'share-offsite/?url={address}" rel="noopener noreferrer">LinkedIn</a></li>\n'
        "</ul>\n"
        "</section>\n"
        "\n"
        '<section class="about-authors" aria-labelledby="about-authors">\n'
        '<h2 class="rule-heading" id="about-authors">About the authors</h2>\n'
        '<p class="about-authors__bio">Writes on ports &amp; tides. '
        '<a href="/authors/jane-doe/">More from Jane &lt;Doe&gt;</a></p>\n'
        '<p class="about-authors__bio">Photographs the coast. '
        '<a href="/authors/kim-mor/">More from Kim Mor</a></p>\n'
        "</section>\n"
        "\n"
        '<section class="topics" aria-labelledby="topics">\n'
        '<h2 class="rule-heading" id="topics">Topics</h2>\n'
        '<ul class="tag-list">\n'
        '<li><a href="/tags/budgets/" rel="tag">Budgets</a></li>\n'
        '<li><a href="/tags/harbour-works/" rel="tag">Harbour works</a></li>\n'
        "</ul>\n"
        "</section>\n"
        "\n"
        '<section class="corrections" aria-labelledby="corrections">\n'
        '<h2 class="rule-heading" id="corrections">Corrections</h2>\n'
        '<p class="correction"><strong>Correction, '
        '<time datetime="2026-12-07T09:00:00+00:00">7 December 2026</time>:</strong> '
        "The cost was &lt;€40m&gt;, not €4m.</p>\n"
        "</section>\n"
        "</footer>\n"
        "</article>"
    )


def story(section, title, published_at, **fields):
    return make_article(
        section=section,
        title=title,
        slug=slugify(title),
        published_at=published_at,
        **fields,
    )


def test_below_the_article_more_in_its_section_then_related_reading(client, harbour):
    docks = make_section(name="Docks", slug="docks")
    article = story(harbour, "Quay plan", PUBLISHED, tags=["Quays"])
    older = story(harbour, "Older quay story", PUBLISHED - timedelta(days=1))
    related = story(docks, "Dock story", PUBLISHED - timedelta(days=2), tags=["Quays"])
    html = page(client, article)
    more_cards = article_cards([Article.objects.for_listing().get(pk=older.pk)], 3)
    related_cards = article_cards(
        [Article.objects.for_listing().get(pk=related.pk)], 3, show_section=True
    )
    assert between(html, "</footer>\n</article>\n", "</main>") == (
        "</footer>\n</article>\n"
        "\n"
        '<section class="more" aria-labelledby="more-in-section">\n'
        '<h2 class="rule-heading" id="more-in-section">More in Harbour &amp; Quays'
        "</h2>\n"
        '<ul class="card-list">\n'
        f"\n<li>{more_cards[0]}</li>\n"
        "</ul>\n"
        "</section>\n"
        "\n"
        "\n"
        '<section class="more more--related" aria-labelledby="related-reading">\n'
        '<h2 class="rule-heading" id="related-reading">Related reading</h2>\n'
        '<ul class="card-list">\n'
        f"\n<li>{related_cards[0]}</li>\n"
        "</ul>\n"
        "</section>\n"
        "\n\n"
        "</main>"
    )


def test_an_article_alone_in_its_section_and_untagged_has_nothing_below(
    client, harbour
):
    article = story(harbour, "Lonely quay", PUBLISHED)
    html = page(client, article)
    assert between(html, "</footer>\n</article>", "</main>") == (
        "</footer>\n</article>\n\n\n\n</main>"
    )


def body_picture(image, caption="", placement=""):
    placement = f' data-placement="{placement}"' if placement else ""
    return (
        f'<figure data-element="picture" data-image="{image.pk}"{placement}>'
        f"<figcaption>{caption}</figcaption></figure>"
    )


@pytest.fixture
def resolved_embed():
    return make_resolved_embed(
        url="https://www.youtube.com/watch?v=resolved",
        title='Garda appeal: "the van"',
        iframe_src="https://www.youtube-nocookie.com/embed/resolved",
    )


def test_each_body_element_is_written_as_readers_see_it(harbour, resolved_embed):
    wide = make_image(file=image_upload(width=480, height=270), credit="Staff & co")
    plain = make_image(file=image_upload(width=480, height=270), credit="")
    other = story(
        harbour, "The other story", PUBLISHED - timedelta(days=1), lead_image=plain
    )
    article = story(
        harbour,
        "Everything at once",
        PUBLISHED,
        body=body_picture(wide, "The <strong>wide</strong> view", "wide")
        + body_picture(plain, "", "full")
        + body_picture(plain)
        + '<figure data-element="gallery">'
        + body_picture(wide, "First")
        + body_picture(plain, "Second")
        + "</figure>"
        + '<blockquote data-element="pull-quote"><p>Words &amp; deeds.</p>'
        "<cite>A harbour master</cite></blockquote>"
        + '<blockquote data-element="pull-quote"><p>Unsigned.</p></blockquote>'
        + '<aside data-element="fact-box"><h2>Key points</h2><ul><li><p>One</p>'
        "</li></ul></aside>"
        + f'<aside data-element="read-more" data-article="{other.pk}"></aside>'
        + '<aside data-element="update" data-at="2026-12-06T16:05"><p>Later.</p>'
        "</aside>"
        + "<table><tbody><tr><td>1 &lt; 2</td></tr></tbody></table>"
        + f'<figure data-element="embed" data-url="{YOUTUBE}"></figure>'
        + f'<figure data-element="embed" data-url="{resolved_embed.url}"></figure>',
    )
    card = other.lead_image.in_shape("card")
    thumbnail = resolved_embed.thumbnail.url
    assert render_body(article) == (
        '<figure class="element-picture element-picture--wide">\n'
        f"{picture(wide, '(min-width: 72rem) 68rem, 100vw')}\n"
        "<figcaption>The <strong>wide</strong> view "
        '<span class="credit">Staff &amp; co</span></figcaption>\n'
        "</figure>\n"
        '<figure class="element-picture element-picture--full">\n'
        f"{picture(plain, '100vw')}\n"
        "\n"
        "</figure>\n"
        '<figure class="element-picture element-picture--column">\n'
        f"{picture(plain, COLUMN)}\n"
        "\n"
        "</figure>\n"
        '<section class="gallery" aria-label="Gallery of 2 pictures" data-gallery>\n'
        '<ol class="gallery__pictures">\n'
        '<li class="gallery__item"><figure class="element-picture '
        'element-picture--column">\n'
        f"{picture(wide, COLUMN)}\n"
        '<figcaption>First <span class="credit">Staff &amp; co</span></figcaption>\n'
        "</figure>\n"
        "</li>\n"
        '<li class="gallery__item"><figure class="element-picture '
        'element-picture--column">\n'
        f"{picture(plain, COLUMN)}\n"
        "<figcaption>Second</figcaption>\n"
        "</figure>\n"
        "</li>\n"
        "</ol>\n"
        "</section>\n"
        '<figure class="pull-quote">\n'
        "<blockquote><p>Words &amp; deeds.</p></blockquote>\n"
        "<figcaption>A harbour master</figcaption>\n"
        "</figure>\n"
        '<figure class="pull-quote">\n'
        "<blockquote><p>Unsigned.</p></blockquote>\n"
        "\n"
        "</figure>\n"
        '<aside class="fact-box"><h2>Key points</h2><ul><li><p>One</p></li></ul>'
        "</aside>\n"
        '<aside class="read-more" aria-label="Read more">\n'
        '<a class="read-more__link" href="/harbour/the-other-story/">\n'
        f"{picture(card, '8rem', css_class='read-more__picture')}\n"
        '<span class="read-more__label">Read more</span>\n'
        '<span class="read-more__title">The other story</span>\n'
        "</a>\n"
        "</aside>\n"
        '<aside class="update-note">\n'
        '<p class="update-note__when"><strong>Update, '
        '<time datetime="2026-12-06T16:05:00+00:00">16:05</time>:</strong></p>\n'
        "<p>Later.</p>\n"
        "</aside>\n"
        '<div class="element-table" role="region" aria-label="Table" tabindex="0">'
        "<table><tbody><tr><td>1 &lt; 2</td></tr></tbody></table></div>\n"
        '<figure class="embed embed--card">\n'
        f'<a class="embed__original" href="{YOUTUBE}">{YOUTUBE}</a>\n'
        '<span class="embed__provider">YouTube</span>\n'
        "</figure>\n"
        "\n"
        '<figure class="embed embed--facade" '
        'data-embed-src="https://www.youtube-nocookie.com/embed/resolved" '
        'data-embed-title="Garda appeal: &quot;the van&quot;" '
        'data-embed-ratio="1.7778">\n'
        '<div class="embed__frame">\n'
        f'<img class="embed__thumbnail" src="{thumbnail}" width="480" height="270" '
        'alt="" loading="lazy" decoding="async">\n'
        '<div class="embed__consent" hidden>\n'
        '<button type="button" class="embed__show">Show YouTube content</button>\n'
        '<p class="embed__note">Pressing the button loads content from YouTube, '
        "which may set cookies and track you.</p>\n"
        "</div>\n"
        "</div>\n"
        "<figcaption>\n"
        '<a class="embed__original" href="https://www.youtube.com/watch?v=resolved">'
        "Garda appeal: &quot;the van&quot;</a>\n"
        '<span class="embed__provider">YouTube · An Garda Síochána</span>\n'
        "</figcaption>\n"
        "</figure>\n"
    )


def test_a_pictures_articles_lead_gallery_shows_its_first_picture_eager(
    client, harbour
):
    first = make_image(file=image_upload(width=480, height=270), credit="")
    second = make_image(file=image_upload(width=480, height=270), credit="")
    article = story(
        harbour,
        "The day in pictures",
        PUBLISHED,
        kind=Article.Kind.PICTURES,
        body='<figure data-element="gallery">'
        + body_picture(first, "One")
        + body_picture(second, "Two")
        + "</figure><p>After.</p>",
    )
    html = page(client, article)
    lead = between(html, '<div class="article__lead-gallery">', "</script>")
    assert lead == (
        '<div class="article__lead-gallery"><section class="gallery" '
        'aria-label="Gallery of 2 pictures" data-gallery>\n'
        '<ol class="gallery__pictures">\n'
        '<li class="gallery__item"><figure class="element-picture '
        'element-picture--column">\n'
        f"{picture(first, COLUMN, loading='eager')}\n"
        "<figcaption>One</figcaption>\n"
        "</figure>\n"
        "</li>\n"
        '<li class="gallery__item"><figure class="element-picture '
        'element-picture--column">\n'
        f"{picture(second, COLUMN)}\n"
        "<figcaption>Two</figcaption>\n"
        "</figure>\n"
        "</li>\n"
        "</ol>\n"
        "</section>\n"
        "</div>\n"
        "\n"
        '<div class="article__body prose">\n'
        "<p>After.</p>\n"
        "</div>\n"
        f'<script src="{static("articles/gallery.js")}" defer></script>'
    )


def test_an_unresolved_embed_of_no_known_provider_is_a_bare_link_card():
    assert embed_html("https://example.com/x?a=1&b=2", None) == (
        '<figure class="embed embed--card">\n'
        '<a class="embed__original" href="https://example.com/x?a=1&amp;b=2">'
        "https://example.com/x?a=1&amp;b=2</a>\n"
        "\n"
        "</figure>\n"
    )


def preload(image, sizes, shape=""):
    template = Template(
        "{% load article_tags %}{% preload_picture image sizes shape=shape %}"
    )
    return template.render(Context({"image": image, "sizes": sizes, "shape": shape}))


def test_the_preload_names_the_best_source_else_the_jpeg(harbour):
    image = make_image(file=image_upload(width=480, height=270))
    sources = image.sources
    expected = (
        f'<link rel="preload" as="image" type="{sources[0]["type"]}" '
        f'imagesrcset="{sources[0]["srcset"]}" imagesizes="8rem &amp; more" '
        'fetchpriority="high">\n'
        if sources
        else f'<link rel="preload" as="image" href="{image.fallback_url}"'
        + (
            f' imagesrcset="{image.jpeg_srcset}" imagesizes="8rem &amp; more"'
            if image.jpeg_srcset
            else ""
        )
        + ' fetchpriority="high">\n'
    )
    assert preload(image, "8rem & more") == expected
    assert preload(None, "8rem") == "\n"


def test_the_article_pages_meta_tags(client, analysis):
    html = page(client, analysis)
    image = analysis.share_picture
    shared = image.share_rendition
    shared_url = settings.SITE_URL + (shared.file.url if shared else image.fallback_url)
    size = (
        f'<meta property="og:image:width" content="{shared.width}">\n'
        f'<meta property="og:image:height" content="{shared.height}">\n'
        if shared
        else ""
    )
    address = f"{settings.SITE_URL}/harbour/why-the-harbour-plan-costs-more/"
    assert between(
        html, '<meta name="description"', 'content="summary_large_image">'
    ) == (
        '<meta name="description" content="Three reasons, &lt;none&gt; of them new.">\n'
        f'<link rel="canonical" href="{address}">\n'
        f'<meta property="og:url" content="{address}">\n'
        f'<meta property="og:site_name" content="{settings.SITE_NAME}">\n'
        '<meta property="og:type" content="article">\n'
        '<meta property="og:title" content="Why the &quot;harbour plan&quot; costs '
        '€40m &amp; more">\n'
        '<meta property="og:description" content="Three reasons, &lt;none&gt; of them '
        'new.">\n'
        f'<meta property="og:image" content="{shared_url}">\n'
        f"{size}"
        '<meta property="og:image:alt" content="The &quot;new&quot; quay">\n'
        f'<meta name="twitter:image" content="{shared_url}">\n'
        '<meta name="twitter:image:alt" content="The &quot;new&quot; quay">\n'
        '<meta name="twitter:card" content="summary_large_image">'
    )


def test_a_section_pages_description_is_escaped_once_and_cut(client):
    section = make_section(
        name="Docks", slug="docks", description="Ships & " + "cargo " * 40
    )
    make_article(section=section)
    html = client.get(section.get_absolute_url()).content.decode()
    description = between(html, '<meta name="description"', ">\n")
    assert description == (
        '<meta name="description" content="Ships &amp; '
        + ("cargo " * 40)[: 160 - len("Ships &amp; ") - 1]
        + '…">\n'
    )
    assert '<meta name="twitter:card" content="summary">' in html


@pytest.mark.parametrize(
    "text",
    ["", "A harbour plan", "x" * 160, "x" * 161, "é" * 300, "e\u0301" * 200, "y" * 400],
)
def test_a_description_is_cut_as_truncatechars_cuts_it(text):
    """cut_to() answers as Truncator.chars(), short text, accents and all."""
    for length in (160, 300):
        assert cut_to(text, length) == Truncator(text).chars(length)
