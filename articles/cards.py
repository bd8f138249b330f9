"""
The writer of article cards, outside any template: card_lists() gives the
cards of one or more lists in one cache round trip, each kept rendered under
card_key() (the article's card_fingerprint() with the list's card_options())
and written, where missing, by card_html() from what Article.card_shows()
read. With them, the parts a card shares with the article page's template
tags (templatetags/article_tags.py) and the body's elements (elements.py):
the <picture> (picture_html, drawn_html), the byline (byline_html) and the <time>
(time_html).

The cards' fields (CARD_FIELDS) are models/cards.py's.
"""

from django.core.cache import cache
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language

from newsroom import formats, metrics
from newsroom.cache import cache_key, plain
from newsroom.escaping import escaped, safe_html

from .models import ArticleAuthor, navigation
from .models.articles import CardList

# How each byline role is introduced. Consecutive names with the same
# introduction share it: "By Jane Doe and John Roe; photographs by …".
BYLINE_LEADS = {
    ArticleAuthor.Role.WRITER: "by",
    ArticleAuthor.Role.REPORTER: "by",
    ArticleAuthor.Role.CORRESPONDENT: "by",
    ArticleAuthor.Role.PHOTOGRAPHER: "photographs by",
    ArticleAuthor.Role.TRANSLATOR: "translated by",
    ArticleAuthor.Role.AGENCY: "",
}
# Each introduction as the byline's first clause writes it.
FIRST_BYLINE_LEADS = {lead: capfirst(lead) for lead in BYLINE_LEADS.values()}


def picture_html(image, sizes="100vw", loading="lazy", css_class="", shape=""):
    """
    The picture tag's <picture> (article_tags.picture) of `image`, in
    `shape` when given, as plain text (drawn_html).
    """
    if shape:
        image = image.in_shape(shape)
    return drawn_html(image.drawn(), sizes, loading, css_class)


def drawn_html(drawn, sizes="100vw", loading="lazy", css_class=""):
    """
    The <picture> of what a picture draws (PictureSources.drawn()), as plain
    text: a card writes it into its own (marking each safe took about a
    microsecond).
    """
    sources, jpeg_srcset, src, width, height, alt_text = drawn
    sizes = escaped(sizes)
    html = [f' class="{escaped(css_class)}">\n' if css_class else ">\n"]
    for mime_type, srcset in sources:
        html.append(
            f'<source type="{escaped(mime_type)}" srcset="'
            f'{escaped(srcset)}" sizes="{sizes}">\n'
        )
    html.append(f'<img src="{escaped(src)}"')
    if jpeg_srcset:
        html.append(f' srcset="{escaped(jpeg_srcset)}" sizes="{sizes}"')
    if width and height:
        html.append(f' width="{width}" height="{height}"')  # pixels, never localized
    html.append(f' alt="{escaped(alt_text)}" loading="{escaped(loading)}"')
    if loading == "eager":
        html.append(' fetchpriority="high"')
    html.append(' decoding="async">\n</picture>\n')
    return "<picture" + "".join(html)  # every value escaped above


# How long a rendered card is kept. Its key changes with everything the card
# shows, so a kept card is never out of date, only unused.
CARD_SECONDS = 24 * 3600


def card_key(article, options, shown=None):
    """
    The cache key of an article's card shown with `options` (from `shown`,
    its card_shows(), when read already).
    """
    return cache_key("card", article.card_fingerprint(options, shown))


def card_options(level, featured, show_section, zone=None, language=None):
    """
    How a card is shown, as card_html() takes it (`level` as the card writes
    it: <h2>, <h3>; the current time zone and language, read once for all
    the cards, unless given), and as card_key() takes it, in one plain text.
    """
    how = {
        "level": level,
        "featured": featured,
        "show_section": show_section,
        "zone": zone or timezone.get_current_timezone(),
        "language": language or get_language(),
    }
    return how, repr(sorted(how.items()))


def card_lists(lists):
    """
    The cards (card_html) of several lists at once, in one cache round trip:
    `lists` holds (articles, level, featured, show_section, lead) as the
    article_cards tag (article_tags.article_cards) takes them; the cards of
    each, as it gives them.
    """
    shared = CardList()
    zone, language = timezone.get_current_timezone(), get_language()
    articles, shown, options, bounds = [], [], [], []
    for listed, level, featured, show_section, lead in lists:
        listed = list(listed)
        start = len(articles)
        articles += listed
        shown += [article.card_shows(shared) for article in listed]
        # Each way the list shows its cards, and its part of their keys,
        # made once for the list: the lead's, and the others'.
        ways = [
            card_options(
                str(level),
                featured or (lead and n == 0),
                show_section,
                zone,
                language,
            )
            for n in range(min(len(listed), 2))
        ]
        options += [ways[min(n, len(ways) - 1)] for n in range(len(listed))]
        bounds.append((start, len(articles)))
    keys = [
        card_key(article, told, card)
        for article, (_, told), card in zip(articles, options, shown, strict=True)
    ]
    found = cache.get_many(keys) if keys else {}
    missing = {}
    cards = []
    for card, key, (how, _) in zip(shown, keys, options, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = plain(card_html(card, **how))
        cards.append(safe_html(html))  # written by card_html
    if missing:
        cache.set_many(missing, timeout=CARD_SECONDS)
    metrics.looked_up("card", hits=len(keys) - len(missing), misses=len(missing))
    return [cards[start:end] for start, end in bounds]


# The card picture's `sizes`: a featured card's (the lead story), any other's.
LEAD_CARD_SIZES = "(min-width: 64rem) 38rem, 100vw"
CARD_SIZES = "(min-width: 64rem) 16rem, (min-width: 40rem) 45vw, 100vw"
CARD_IMAGE_CLASS = "card__image"


def card_html(
    card, level=2, featured=False, show_section=False, zone=None, language=None
):
    """
    An article's card: its picture in the card shape (eager and wide when
    `featured`), the section (with `show_section`) or the kind of piece as
    kicker, the headline in an <h`level`> ("Live" while its coverage goes
    on), the latest live line or the standfirst, the byline and the day it
    was published (in `zone` and `language`, the current ones read once for
    a list, if given). Written from `card`, what Article.card_shows() read,
    and nothing else, so that its card_fingerprint() covers all it shows.

    Built here rather than in a template: a page of cards written after a
    publish renders each of them, and a template costs several times as
    much. Every value is escaped, but the HTML is not marked safe:
    card_lists() keeps it in the cache as plain text (newsroom.cache.plain;
    a section page's 20 cards were stored in 156 µs as SafeStrings, 89 as
    plain text) and marks it safe as it shows it.
    """
    picture = card["lead_picture"]
    lead = " card--lead" if featured else ""
    html = [f'<article class="card{lead}{"" if picture else " card--text"}">\n']
    if picture:
        html.append(
            drawn_html(picture, LEAD_CARD_SIZES, "eager", CARD_IMAGE_CLASS)
            if featured
            else drawn_html(picture, CARD_SIZES, "lazy", CARD_IMAGE_CLASS)
        )
    html.append('\n<div class="card__text">\n')
    if show_section:
        section = card["section"]
        html.append(
            f'<p class="kicker"><a href="{escaped(section["get_absolute_url"])}">'
            f"{escaped(section['name'])}</a></p>"
        )
    elif kicker := card["kicker"]:
        html.append(f'<p class="kicker">{escaped(kicker)}</p>')
    level = escaped(level)
    html.append(f'\n<h{level} class="card__title">')
    if card["is_live_now"]:
        html.append('<span class="live__label">Live</span> ')
    html.append(
        f'<a href="{escaped(card["get_absolute_url"])}">{escaped(card["title"])}</a>'
        f"</h{level}>\n"
    )
    if latest := card["latest_line"]:
        html.append(
            '<p class="card__latest"><span class="visually-hidden">Latest: </span>'
            f"{escaped(latest)}</p>"
        )
    elif standfirst := card["standfirst"]:
        html.append(f'<p class="card__standfirst">{escaped(standfirst)}</p>')
    html.append('\n<p class="card__meta">')
    if bylines := card["bylines"]:
        html.append(f'<span class="card__byline">{byline_html(bylines)}\n</span> ')
    moment = time_html(card["published_at"], "day", zone, language)
    html.append(f"{moment}</p>\n</div>\n</article>\n")
    return "".join(html)  # every value escaped above


def byline_groups(bylines):
    """
    The byline (shown_bylines: (author id, name, slug, role) of each name,
    in order) as clauses, each an introduction ("by", "photographs by", ""
    for an agency) and its names, as (name, slug).
    """
    groups = []
    for _, name, slug, role in bylines:
        lead = BYLINE_LEADS.get(role, "by")
        if groups and groups[-1]["lead"] == lead:
            groups[-1]["authors"].append((name, slug))
        else:
            groups.append({"lead": lead, "authors": [(name, slug)]})
    return groups


def byline_html(bylines, linked=False, escape=escaped):
    """
    The byline of `bylines` ((author id, name, slug, role) of each name in
    order, as bylines.shown_bylines gives them), its clauses (byline_groups)
    parted by semicolons: "By Jane Doe, Ann Lee and John Roe; photographs by
    Kim Mor", each name a link to the author's page when `linked`, each
    value passed through `escape`, as plain text: a card writes it into
    its own, the byline tag marks it safe. Built here rather than in a
    template: every card of every list shows one.
    """
    clauses = []
    for group in byline_groups(bylines):
        authors = group["authors"]
        names = [escape(name) for name, _ in authors]
        if linked:
            addresses = navigation.author_addresses([slug for _, slug in authors])
            names = [
                f'<a class="byline__author" href="{escape(address)}">{name}</a>'
                for address, name in zip(addresses, names, strict=True)
            ]
        text = names[-1]
        if len(names) > 1:
            text = f"{', '.join(names[:-1])} and {text}"
        if lead := group["lead"]:
            text = f"{lead if clauses else FIRST_BYLINE_LEADS[lead]} {text}"
        clauses.append(text)
    return "; ".join(clauses)  # escaped above where it is due


def time_html(moment, style, zone=None, language=None):
    """
    A <time> of `moment`, machine-readable and written in `style` (in
    `zone` and `language`, the current ones read already, if given).
    """
    return (
        f'<time datetime="{escaped(formats.iso(moment, zone))}">'
        f"{escaped(formats.written(moment, style, zone, language))}</time>"
    )
