"""
The newsroom's rules for what may go live, checked whenever an article would
go live: saved as published or scheduled in the change form, published by a
list action, approved from review (articles.workflow calls `problems`, and
`page_problems` for a static page). Each
problem is one sentence saying exactly what to fix. Lengths come from the
PUBLISH_* settings.
"""

from django.conf import settings
from django.utils import timezone

from newsroom import formats

from .body import referenced_ids
from .models import Image
from .revisions import body_text


def problems(article, byline_count, moment=None):
    """
    What stops `article` (with its field values as they would be saved, and
    `byline_count` names in its byline) from going live at its publication
    time; an empty list when nothing does.
    """
    moment = moment or timezone.now()
    found = title_problems(article, "headline")
    standfirst = " ".join(article.standfirst.split())
    if len(standfirst) < settings.PUBLISH_STANDFIRST_MIN_CHARS:
        found.append(
            f"The standfirst has {len(standfirst)} characters: write at least "
            f"{settings.PUBLISH_STANDFIRST_MIN_CHARS}, one or two sentences that "
            "sell the piece."
        )
    elif len(standfirst) > settings.PUBLISH_STANDFIRST_MAX_CHARS:
        found.append(
            f"The standfirst has {len(standfirst)} characters: cut it to "
            f"{settings.PUBLISH_STANDFIRST_MAX_CHARS} at most."
        )
    if byline_count < 1:
        found.append("The byline is empty: add at least one name under “Byline”.")
    if not body_text(article.body).strip():
        found.append("The body is empty: write the article before it goes live.")
    found.extend(picture_problems(article, moment))
    found.extend(body_picture_problems(article, moment))
    return found


def title_problems(row, name):
    """The title (called `name`) longer than a headline may be, or nothing."""
    title = row.title.strip()
    if len(title) <= settings.PUBLISH_HEADLINE_MAX_CHARS:
        return []
    return [
        f"The {name} has {len(title)} characters: shorten it to "
        f"{settings.PUBLISH_HEADLINE_MAX_CHARS} at most."
    ]


def page_problems(page, moment=None):
    """
    What stops a static page from going live: those of an article's checks
    that apply to it (its title's length, a body, the body's pictures).
    """
    moment = moment or timezone.now()
    found = title_problems(page, "title")
    if not body_text(page.body).strip():
        found.append("The body is empty: write the page before it goes live.")
    found.extend(body_picture_problems(page, moment))
    return found


def picture_problems(article, moment):
    image = article.lead_image if article.lead_image_id else None
    if image is None:
        return []
    found = []
    if not image.alt_text.strip():
        found.append(
            "The lead picture has no alt text: describe what it shows on the "
            "picture's page."
        )
    if not article.caption.strip():
        found.append(
            "The lead picture has no caption: write one under “Lead image” or on "
            "the picture's page."
        )
    if not image.credit.strip():
        found.append(
            "The lead picture has no credit: name the photographer or agency on "
            "the picture's page."
        )
    rights = rights_problem(image, "the lead picture", article, moment)
    return found + ([rights] if rights else [])


def rights_problem(image, name, article, moment):
    """
    Why `image` (called `name`) may not be shown when `article` goes live,
    or None.
    """
    lapse = image.rights_lapse_at
    goes_live = max(article.published_at or moment, moment)
    if lapse is None or lapse > goes_live:
        return None
    ended = formats.written(image.rights_expire_on, "day")
    if lapse <= moment:
        return (
            f"The rights to {name} expired on {ended}: choose another picture, "
            "or record renewed rights on the picture's page."
        )
    return (
        f"The rights to {name} expire on {ended}, before the article is due to "
        "go live: choose another picture or an earlier time."
    )


def body_picture_problems(article, moment):
    """
    What stops the pictures of the body (galleries' included), as it would
    be saved, from going live: each must still be in the library, with alt
    text, a credit and rights that last. One query.
    """
    wanted = referenced_ids(article.body)["image"]
    if not wanted:
        return []
    pictures = Image.objects.in_bulk(wanted)
    found = []
    for position, pk in enumerate(wanted, start=1):
        image = pictures.get(pk)
        name = f"Picture {position} in the body"
        if image is None:
            found.append(
                f"{name} is no longer in the library: remove it or choose another."
            )
            continue
        if not image.alt_text.strip():
            found.append(
                f"{name} has no alt text: describe what it shows on the picture's page."
            )
        if not image.credit.strip():
            found.append(
                f"{name} has no credit: name the photographer or agency on "
                "the picture's page."
            )
        rights = rights_problem(image, name.lower(), article, moment)
        if rights:
            found.append(rights)
    return found
