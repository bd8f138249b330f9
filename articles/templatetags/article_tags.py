"""Display helpers for the public pages: section bar, pictures, bylines."""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import ArticleAuthor, Section

register = template.Library()

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


@register.inclusion_tag("includes/section_bar.html")
def section_bar(current=None):
    """The sections in menu order, the current one marked."""
    return {"sections": Section.objects.all(), "current": current}


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", loading="lazy", css_class="", shape=""):
    """
    A responsive <picture> for `image`: a <source> per modern format and a
    JPEG <img> with fixed width and height (the original file while there
    are no renditions). With `shape` ("card"), the renditions of that fixed
    shape, cut around the focal point. Prefetch the image's renditions to
    keep it queryless.
    """
    return {
        "image": image.in_shape(shape) if shape else image,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }


# How long a rendered card is kept. Its key changes with everything the card
# shows, so a kept card is never out of date, only unused.
CARD_SECONDS = 24 * 3600


def card_key(article, options):
    """
    The cache key of an article's card: a digest of everything the card
    shows (the article's title, standfirst, kind, dates and address; its
    section; its bylines; its lead picture and renditions) and how it is
    shown. Any edit anywhere to any of them makes a new key.
    """
    image = article.lead_image
    shown = [
        options,
        settings.MEDIA_URL,
        article.pk,
        article.title,
        article.slug,
        article.standfirst,
        article.kind,
        article.published_at.isoformat(),
        article.section.pk,
        article.section.name,
        article.section.slug,
        [
            (b.author.pk, b.author.name, b.author.slug, b.role)
            for b in article.ordered_bylines()
        ],
    ]
    if image is not None:
        shown += [
            image.pk,
            image.file.name,
            image.alt_text,
            image.width,
            image.height,
            sorted(r.pk for r in image.renditions.all()),
        ]
    return "card:" + hashlib.sha256(repr(shown).encode()).hexdigest()


@register.simple_tag
def article_cards(articles, level=2, featured=False, show_section=False):
    """
    The cards (includes/article_card.html) of `articles`, as HTML, in one
    cache round trip: each is read under card_key(), and the ones missing
    are rendered and stored together. A page of 20 cards renders only those
    whose article, section, bylines or picture changed since.
    """
    articles = list(articles)
    options = {"level": level, "featured": featured, "show_section": show_section}
    keys = [card_key(article, sorted(options.items())) for article in articles]
    found = cache.get_many(keys) if keys else {}
    missing = {}
    card_template = get_template("includes/article_card.html")
    cards = []
    for article, key in zip(articles, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = card_template.render({"article": article, **options})
        cards.append(mark_safe(html))  # rendered by our own template
    if missing:
        cache.set_many(missing, timeout=CARD_SECONDS)
    return cards


@register.simple_tag
def image_url(image):
    """
    The absolute URL of the picture to share `image` with (Open Graph,
    Twitter cards): its 1200×630 crop, else its usual fallback.
    """
    shared = image.share_rendition
    return absolute_url(shared.file.url if shared else image.fallback_url)


@register.filter
def isoformat(value):
    """A datetime for a datetime="" attribute: local time, whole seconds, offset."""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def absolute_url(path):
    """`path` made absolute with SITE_URL, unless it already is."""
    path = str(path)
    if path.startswith("/"):
        return settings.SITE_URL + path
    return path


@register.filter
def byline_groups(article):
    """
    The byline in ArticleAuthor order as clauses, each an introduction
    ("by", "photographs by", "" for an agency) and its names.
    """
    groups = []
    for byline in article.ordered_bylines():
        lead = BYLINE_LEADS.get(byline.role, "by")
        if groups and groups[-1]["lead"] == lead:
            groups[-1]["authors"].append(byline.author)
        else:
            groups.append({"lead": lead, "authors": [byline.author]})
    return groups


@register.filter
def authors_with_bio(article):
    """The article's authors who have a bio, in byline order."""
    return [b.author for b in article.ordered_bylines() if b.author.bio]
