"""Display helpers for the public pages: section bar, pictures, bylines."""

from django import template
from django.conf import settings
from django.utils import timezone

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
