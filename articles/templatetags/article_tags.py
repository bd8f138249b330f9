"""Display helpers for the public pages: section bar, pictures, bylines."""

from django import template
from django.conf import settings

from articles.models import ArticleAuthor, Rendition, Section

register = template.Library()

# Formats offered as <source> elements, best first; JPEG is the <img> itself.
MODERN_FORMATS = [Rendition.Format.AVIF, Rendition.Format.WEBP]

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


def _srcset(renditions):
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


def picture_sources(image):
    """
    What a <picture> needs from `image`, built from its renditions (read
    from the prefetch when there is one): a srcset per modern format, a
    JPEG srcset for the <img>, and a fallback URL that is the widest JPEG
    rendition or, when there are none, the original file.
    """
    by_format = {}
    for rendition in sorted(image.renditions.all(), key=lambda r: r.width):
        by_format.setdefault(rendition.format, []).append(rendition)
    jpegs = by_format.get(Rendition.Format.JPEG, [])
    return {
        "sources": [
            {"type": f"image/{fmt}", "srcset": _srcset(by_format[fmt])}
            for fmt in MODERN_FORMATS
            if fmt in by_format
        ],
        "srcset": _srcset(jpegs),
        "src": jpegs[-1].file.url if jpegs else image.file.url,
    }


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", loading="lazy", css_class=""):
    """A responsive <picture> for `image` with fixed width and height."""
    return {
        "image": image,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
        **picture_sources(image),
    }


@register.simple_tag
def image_url(image):
    """The absolute URL of the picture to share `image` with (Open Graph)."""
    return absolute_url(picture_sources(image)["src"])


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
