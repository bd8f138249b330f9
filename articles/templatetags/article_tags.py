"""
The template tags of the public pages: the frame (site_frame,
site_addresses, section_bar, footer_nav), pictures (picture,
preload_picture), article cards (article_cards, cards_below: the cards
themselves are written by articles.cards), the article page (article_top,
article_footer), bylines, the page's <meta> (page_meta, image_url,
absolute_url) and {% fragment %}.
"""

import unicodedata
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeData
from django.utils.text import Truncator

from articles.cards import byline_html, card_lists, picture_html, time_html
from articles.models import Page, Section, navigation
from articles.models.bylines import byline_records, shown_bylines
from newsroom.cache import fragments
from newsroom.escaping import escaped, safe_html

register = template.Library()


@register.simple_tag
def site_frame():
    """
    The sections and the published static pages, read together once for
    the page's section bar and footer (models.navigation.site_frame).
    """
    return navigation.site_frame()


@register.simple_tag
def site_addresses():
    """
    The addresses the frame of every page links, by name: home, search,
    rss, atom (models.navigation.site_addresses, reversed once).
    """
    return navigation.site_addresses()


# The current section's link in the section bar.
MARK_CURRENT = ' aria-current="true"'


@register.simple_tag
def section_bar(current=None, frame=None):
    """
    The sections in menu order, the current one marked, from `frame`
    (site_frame) when given. Built here rather than in a template, and not
    kept apart from the frame: every page draws it, and it costs less than
    a cache round trip.
    """
    sections = frame.sections if frame else Section.objects.in_menu()
    current = current.pk if current else None
    addresses = navigation.section_addresses([section.slug for section in sections])
    items = "".join(
        f'<li><a href="{escaped(address)}"'
        f"{MARK_CURRENT if section.pk == current else ''}>"
        f"{escaped(section.name)}</a></li>\n"
        for section, address in zip(sections, addresses, strict=True)
    )
    return safe_html(  # every value escaped above
        '<nav class="section-bar" aria-label="Sections">\n'
        f'<ul class="section-bar__list">\n{items}</ul>\n</nav>\n'
    )


def footer_pages(frame=None):
    """
    (address, title) of the live static pages the footer links, in the
    order editors chose (Page.objects.footer), from `frame` (site_frame)
    when given.
    """
    pages = Page.objects.footer(frame.pages if frame else None)
    addresses = navigation.page_addresses([path for path, _ in pages])
    return [
        (address, title) for address, (_, title) in zip(addresses, pages, strict=True)
    ]


@register.simple_tag
def footer_nav(site_name, frame=None):
    """
    The footer's links to the live static pages (footer_pages), nothing
    when there are none. Built here, as the section bar is: every page
    draws it, and a template's loop over the links costs several times
    as much.
    """
    links = footer_pages(frame)
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{escaped(address)}">{escaped(title)}</a></li>'
        for address, title in links
    )
    return safe_html(  # every value escaped above
        '<nav class="site-footer__pages" aria-label="About '
        f'{escaped(site_name)}">\n<ul>{items}</ul>\n</nav>'
    )


@register.simple_tag
def picture(image, sizes="100vw", loading="lazy", css_class="", shape=""):
    """
    A responsive <picture> for `image`: a <source> per modern format and a
    JPEG <img> with fixed width and height (the original file while there
    are no renditions). With `shape` ("card"), the renditions of that fixed
    shape, cut around the focal point. Prefetch the image's renditions to
    keep it queryless.

    Every browser in use decodes WebP, and renditions are made in every
    format together, so where <source>s offer the modern formats the <img>
    names only a JPEG (for anything that reads no <source>) and carries no
    srcset: a JPEG srcset there is bytes no browser acts on, on every picture
    of every page. A picture with JPEG renditions only gets the JPEG srcset.

    Written in Python (articles.cards.picture_html) rather than in a
    template: it is drawn for every card of every list, and an included
    template costs several times as much.
    """
    return safe_html(  # every value escaped (picture_html)
        picture_html(image, sizes, loading, css_class, shape)
    )


@register.simple_tag
def article_cards(articles, level=2, featured=False, show_section=False, lead=False):
    """
    The cards (articles.cards.card_html) of `articles`, as HTML, in one
    cache round trip (card_lists): each is read under card_key() (the
    article's card_fingerprint), and the ones missing are written and stored
    together. A page of 20 cards writes only those whose article, section,
    bylines or picture changed since. With `lead`, the first card is a
    featured one (a list page's lead story). What a card shows is read once
    (card_shows), for its key and its HTML alike.
    """
    return card_lists([(articles, level, featured, show_section, lead)])[0]


# {% fragment "name" fragments %}: a part of a reading page kept rendered.
register.tag("fragment", fragments.do_fragment)


@register.simple_tag
def preload_picture(image, sizes, shape=""):
    """
    A <link rel="preload"> in the head for the page's largest picture, so the
    browser fetches it at once, first, and in the format and width the
    picture element will choose. `sizes` and `shape` must be the picture's own.
    Built here rather than in a template: every reading page writes one.
    """
    if not image:
        return "\n"
    if shape:
        image = image.in_shape(shape)
    sizes = escaped(sizes)
    if sources := image.sources:
        source = sources[0]
        link = (
            f'type="{escaped(source["type"])}" imagesrcset="'
            f'{escaped(source["srcset"])}" imagesizes="{sizes}"'
        )
    else:
        link = f'href="{escaped(image.fallback_url)}"'
        if srcset := image.jpeg_srcset:
            link += f' imagesrcset="{escaped(srcset)}" imagesizes="{sizes}"'
    return safe_html(  # every value escaped above
        f'<link rel="preload" as="image" {link} fetchpriority="high">\n'
    )


def cut_to(text, length):
    """
    `text` cut to `length` characters, as Truncator(text).chars(length) and
    the truncatechars filter cut it. Text no longer than that comes back as
    Truncator gives it (NFC-normalized) without its count character by
    character, which asks the translation of its ellipsis each time: every
    page's description is cut twice, and for the front page's (short, like
    most sections') the two cuts took about 45 µs, now under 1.
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:
        return text
    return Truncator(text).chars(length)


@register.simple_tag(takes_context=True)
def page_meta(context, **given):
    """
    The page's description, Open Graph and Twitter card <meta> tags, of its
    `title`, `description` (cut to 160 characters, 300 for Open Graph),
    `type` ("website" unless given) and `image` (its share crop, image_url),
    with the page's canonical_url and SITE_NAME; what is not given is read
    from the page's context, as an included template would. Built here
    rather than in a template: every page writes them.
    """

    def value(name):
        if name in given:
            return given[name]
        return context.get(name, "")

    description = value("description")
    safe = isinstance(description, SafeData)
    description = str(description)
    short, long = cut_to(description, 160), cut_to(description, 300)
    if safe:  # as truncatechars keeps it: escaped already
        short, long = safe_html(short), safe_html(long)
    canonical_url = escaped(value("canonical_url"))
    html = [f'<meta name="description" content="{escaped(short)}">\n']
    if canonical_url:
        html.append(
            f'<link rel="canonical" href="{canonical_url}">\n'
            f'<meta property="og:url" content="{canonical_url}">'
        )
    html.append(
        f'\n<meta property="og:site_name" content="{escaped(value("SITE_NAME"))}">\n'
        f'<meta property="og:type" content="{escaped(value("type") or "website")}">\n'
        f'<meta property="og:title" content="{escaped(value("title"))}">\n'
        f'<meta property="og:description" content="{escaped(long)}">\n'
    )
    if image := value("image"):
        shared_url = escaped(image_url(image))
        html.append(f'<meta property="og:image" content="{shared_url}">\n')
        if shared := image.share_rendition:
            html.append(
                f'<meta property="og:image:width" content="{escaped(shared.width)}">\n'
                '<meta property="og:image:height" '
                f'content="{escaped(shared.height)}">\n'
            )
        alt_text = escaped(image.alt_text)
        html.append(
            f'<meta property="og:image:alt" content="{alt_text}">\n'
            f'<meta name="twitter:image" content="{shared_url}">\n'
            f'<meta name="twitter:image:alt" content="{alt_text}">'
        )
    card = "summary_large_image" if image else "summary"
    html.append(f'\n<meta name="twitter:card" content="{card}">\n')
    return safe_html("".join(html))  # every value escaped above


@register.simple_tag
def image_url(image):
    """
    The absolute URL of the picture to share `image` with (Open Graph,
    Twitter cards): its 1200×630 crop, else its usual fallback.
    """
    shared = image.share_rendition
    return absolute_url(shared.file.url if shared else image.fallback_url)


@register.filter
def absolute_url(path):
    """`path` made absolute with SITE_URL, unless it already is."""
    path = str(path)
    if path.startswith("/"):
        return settings.SITE_URL + path
    return path


@register.simple_tag(takes_context=True)
def byline(context, bylines, linked=False):
    """
    The byline of `bylines`, ArticleAuthor rows in order (byline_html),
    escaped where the template escapes.
    """
    escape = escaped if context.autoescape else str
    return safe_html(byline_html(byline_records(bylines), linked, escape))


def authors_with_bio(article):
    """The article's authors who have a bio, in byline order."""
    return [b.author for b in article.ordered_bylines() if b.author.bio]


def share_links(article):
    """
    (name, address) of the plain links that share the article's canonical
    address by email, WhatsApp, X, Facebook and LinkedIn (article_footer
    writes them). Built here, on the server: the page loads nothing from
    those services, so no script, image or cookie of theirs reaches a reader
    who does not click.
    """
    url = absolute_url(article.get_absolute_url())
    title = article.title
    return [
        (
            "Email",
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}),
        ),
    ]


@register.simple_tag
def cards_below(more_in_section, related, section_name):
    """
    What the article page shows below the article: "More in <section>", the
    latest of its section (more_in_section), and "Related reading", those
    sharing its tags with their sections named (related); each card_html,
    read in one cache round trip (card_lists). Built here rather than in a
    template: it is drawn on every article page after a publish.
    """
    more, related = card_lists(
        [(more_in_section, 3, False, False, False), (related, 3, False, True, False)]
    )
    html = []
    if more:
        html.append(
            card_section(
                "more",
                "more-in-section",
                f"More in {escaped(section_name)}",
                more,
            )
        )
    html.append("\n")
    if related:
        html.append(
            card_section(
                "more more--related", "related-reading", "Related reading", related
            )
        )
    return safe_html("".join(html))  # every value escaped above, cards by card_html


def card_section(css_class, heading_id, heading, cards):
    """A titled list of cards below the article (`heading` already escaped)."""
    items = "".join(f"\n<li>{card}</li>\n" for card in cards)
    return (
        f'\n<section class="{css_class}" aria-labelledby="{heading_id}">\n'
        f'<h2 class="rule-heading" id="{heading_id}">{heading}</h2>\n'
        f'<ul class="card-list">\n{items}</ul>\n</section>\n'
    )


# The lead picture's `sizes` on the article page, and its preload's.
ARTICLE_PICTURE_SIZES = "(min-width: 52rem) 48rem, 100vw"


@register.simple_tag
def article_top(article, body):
    """
    The article page's header (section and kind, headline, standfirst,
    linked byline, reading time, dates), its lead (a Pictures article's
    gallery or the lead picture with caption and credit), its body
    (`body`, a ReaderBody) and the scripts the body's galleries and embeds
    need. Built here rather than in a template: every article page draws
    it after a publish.
    """
    section = article.section
    html = [
        '<header class="article__header">\n<p class="kicker"><a href="'
        f'{escaped(section.get_absolute_url())}">{escaped(section.name)}</a>'
    ]
    if kicker := article.kicker:
        html.append(f' <span class="kicker__kind">{escaped(kicker)}</span>')
    html.append(f'</p>\n<h1 class="article__title">{escaped(article.title)}</h1>\n')
    if standfirst := article.standfirst:
        html.append(f'<p class="article__standfirst">{escaped(standfirst)}</p>')
    html.append('\n<div class="article__meta">\n')
    if bylines := shown_bylines(article):
        html.append(f'<p class="byline">{byline_html(bylines, linked=True)}\n</p>')
    minutes = article.reading_minutes
    html.append(
        f'\n<p class="article__reading-time">{minutes} minute'
        f'{"" if minutes == 1 else "s"} to read</p>\n<p class="article__dates">\n'
        f"{time_html(article.published_at, 'moment')}\n"
    )
    if article.was_updated:
        html.append(
            '<span class="article__updated">Updated '
            f"{time_html(article.updated_at, 'moment')}</span>"
        )
    html.append("\n</p>\n</div>\n</header>\n")
    if body.lead_gallery:
        html.append(f'<div class="article__lead-gallery">{body.lead_gallery}</div>\n')
    elif image := article.lead_picture:
        html.append(
            '<figure class="article__figure">\n'
            f"{picture(image, ARTICLE_PICTURE_SIZES, loading='eager')}\n"
        )
        caption, credit = article.caption, image.credit
        if caption or credit:
            html.append(f"<figcaption>{escaped(caption)}")
            if credit:
                html.append(f' <span class="credit">{escaped(credit)}</span>')
            html.append("</figcaption>\n")
        html.append("</figure>\n")
    html.append(f'\n<div class="article__body prose">\n{body.html}\n</div>\n')
    if body.has_gallery:
        html.append(f'<script src="{escaped(static("articles/gallery.js"))}" defer>')
        html.append("</script>")
    html.append("\n")
    if body.has_facade:
        html.append(
            f'<script src="{escaped(static("articles/embed-facade.js"))}" defer>'
            "</script>"
        )
    html.append("\n")
    return safe_html("".join(html))  # every value escaped above, the body rendered


@register.simple_tag
def article_footer(article, corrections):
    """
    The article page's footer: its share links (share_links), each author's
    bio with a link to their page, its tags linked to their pages, and its
    `corrections`. Built here rather than in a template, as article_top.
    """
    html = [
        '<section class="share" aria-labelledby="share-title">\n'
        '<h2 class="rule-heading" id="share-title">Share this article</h2>\n'
        '<ul class="share__list">\n'
    ]
    html.extend(
        f'<li><a class="share__link" href="{escaped(url)}" '
        f'rel="noopener noreferrer">{escaped(name)}</a></li>'
        for name, url in share_links(article)
    )
    html.append("\n</ul>\n</section>\n\n")
    if authors := authors_with_bio(article):
        addresses = navigation.author_addresses([author.slug for author in authors])
        html.append(
            '<section class="about-authors" aria-labelledby="about-authors">\n'
            '<h2 class="rule-heading" id="about-authors">About the author'
            f"{'s' if len(authors) != 1 else ''}</h2>\n"
        )
        html.extend(
            f'<p class="about-authors__bio">{escaped(author.bio)} '
            f'<a href="{escaped(address)}">More from {escaped(author.name)}</a></p>\n'
            for author, address in zip(authors, addresses, strict=True)
        )
        html.append("</section>\n")
    html.append("\n")
    if tags := [item.tag for item in article.tagged_items.all()]:
        addresses = navigation.tag_addresses([tag.slug for tag in tags])
        html.append(
            '<section class="topics" aria-labelledby="topics">\n'
            '<h2 class="rule-heading" id="topics">Topics</h2>\n'
            '<ul class="tag-list">\n'
        )
        html.extend(
            f'<li><a href="{escaped(address)}" rel="tag">{escaped(tag.name)}</a></li>\n'
            for tag, address in zip(tags, addresses, strict=True)
        )
        html.append("</ul>\n</section>\n")
    html.append("\n")
    if corrections:
        html.append(
            '<section class="corrections" aria-labelledby="corrections">\n'
            '<h2 class="rule-heading" id="corrections">Corrections</h2>\n'
        )
        html.extend(
            '<p class="correction"><strong>Correction, '
            f"{time_html(correction.corrected_at, 'day')}:</strong> "
            f"{escaped(correction.text)}</p>\n"
            for correction in corrections
        )
        html.append("</section>\n")
    return safe_html("".join(html))  # every value escaped above
