"""
The newsletter emails: a confirmation email and edition emails, each with an
HTML and a plain-text part, absolute links from settings.SITE_URL, and the
List-Unsubscribe headers of RFC 2369 and RFC 8058.
"""

import re
from email.policy import EmailPolicy
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import bylines_in_order, prefetch_renditions
from articles.templatetags.article_tags import absolute_url as absolute_address
from newsroom import formats

from .models.newsletters import Newsletter


def absolute_url(path):
    return settings.SITE_URL + path


# The edition's layout (templates/emails/newsletters/edition.html): a column
# this many pixels wide; the top story's picture spans it, the others' are
# small beside their headlines. Pictures are sent at twice the size shown.
EDITION_WIDTH = 600
SMALL_PICTURE_WIDTH = 160
PREHEADER_LENGTH = 150
# The note's markup inline, as mail clients need it: links in the paper's
# red (edition.html's dark style lightens them), paragraphs spaced alike.
NOTE_STYLES = {
    "a": "color: #9b1c1c;",
    "p": "margin: 0 0 12px;",
}


# Headers mail servers read as they are, so never folded or encoded.
UNFOLDED_HEADERS = {"list-unsubscribe", "list-unsubscribe-post"}


class ListHeaderPolicy(EmailPolicy):
    """
    The sending policy, except that List-Unsubscribe and List-Unsubscribe-Post
    go out as written: plain ASCII on one line. The standard policy folds a
    header with a word longer than a line (a long unsubscribe URL) into
    RFC 2047 encoded words (`=?utf-8?q?=3Chttps…`), which mail providers do
    not read as a URL, so they would not offer one-click unsubscribe. RFC
    5322 allows lines of up to 998 characters.
    """

    def fold(self, name, value):
        if self._unfolded(name, value):
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if self._unfolded(name, value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)

    @staticmethod
    def _unfolded(name, value):
        value = str(value)
        return (
            name.lower() in UNFOLDED_HEADERS
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(name) + len(value) + 2 <= 998
        )


class NewsletterEmail(EmailMultiAlternatives):
    """A newsletter email, serialised with ListHeaderPolicy."""

    def message(self, *, policy=None):
        settings_of = vars(policy) if policy is not None else {}
        return super().message(policy=ListHeaderPolicy(**settings_of))


def list_headers(subscription):
    """Headers that let a mail client offer a one-click unsubscribe."""
    newsletter = subscription.newsletter
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return {
        "List-Unsubscribe": f"<{absolute_url(subscription.get_unsubscribe_url())}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{newsletter.name} <{newsletter.slug}.newsletters.{host}>",
    }


def subscriber_links(subscription):
    return {
        "unsubscribe_url": absolute_url(subscription.get_unsubscribe_url()),
        "preferences_url": absolute_url(subscription.get_preferences_url()),
    }


def build_message(*, subject, to, template, context, headers):
    """An email with a plain-text body and an HTML alternative."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        **context,
    }
    text = render_to_string(f"emails/newsletters/{template}.txt", context)
    html = render_to_string(f"emails/newsletters/{template}.html", context)
    message = NewsletterEmail(
        subject, text, settings.NEWSLETTER_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(subscription):
    newsletter = subscription.newsletter
    return build_message(
        subject=f"Confirm your subscription to {newsletter.name}",
        to=subscription.email,
        template="confirmation",
        context={
            "newsletter": newsletter,
            "subscription": subscription,
            "confirm_url": absolute_url(subscription.get_confirm_url()),
            **subscriber_links(subscription),
        },
        headers=list_headers(subscription),
    )


class MailPicture:
    """
    A picture as an edition shows it: the narrowest JPEG rendition in the
    card shape (the whole picture when that shape is not made) at least
    twice `shown_width` wide, else the widest, at an absolute address
    (MEDIA_URL may be a CDN's), with its alt text and the width and height
    it is shown at.
    """

    def __init__(self, image, shown_width):
        picture = image.in_shape("card")
        jpegs = picture.renditions_in("jpeg")
        wide_enough = [r for r in jpegs if r.width >= 2 * shown_width]
        rendition = (wide_enough or jpegs[-1:] or [None])[0]
        if rendition is not None:
            src, width, height = rendition.file.url, rendition.width, rendition.height
        else:
            src, width, height = image.file.url, image.width, image.height
        self.src = absolute_address(src)
        self.alt = image.alt_text
        self.width = shown_width
        self.height = round(shown_width * height / width) if width else shown_width


def edition_story(article, picture_width):
    picture = article.lead_picture
    return {
        "title": article.title,
        "standfirst": article.standfirst,
        "section": article.section.name,
        "article": article,
        "url": absolute_url(article.get_absolute_url()),
        "picture": MailPicture(picture, picture_width) if picture else None,
    }


def note_text(html):
    """
    The editor's note for the plain-text part: its words, one paragraph
    (or list item, quotation, line) to a line, a blank line between them.
    """
    html = re.sub(r"(?i)<br\s*/?>|</(p|li|blockquote|h\d)>", "\n", html or "")
    text = unescape(strip_tags(html))
    return "\n\n".join(
        " ".join(line.split()) for line in text.splitlines() if line.strip()
    )


def preheader(edition, stories):
    """
    The line an inbox shows after the subject: the editor's note's first
    words, else the top story's standfirst, else its headline.
    """
    words = note_text(edition.intro)
    if not words and stories:
        words = stories[0]["standfirst"] or stories[0]["title"]
    words = " ".join(words.split())
    if len(words) > PREHEADER_LENGTH:
        words = words[:PREHEADER_LENGTH].rsplit(" ", 1)[0] + "…"
    return words


def edition_context(edition, articles):
    """
    What every recipient's copy of an edition shares, worked out once: the
    masthead, the day, the editor's note as portable HTML, the top story
    with its picture, the others with small ones and their bylines, the
    paper's other newsletters and the home-delivery offer.
    """
    articles = list(articles)
    prefetch_related_objects(articles, bylines_in_order())
    prefetch_renditions([article.lead_picture for article in articles])
    stories = [
        edition_story(article, EDITION_WIDTH if position == 0 else SMALL_PICTURE_WIDTH)
        for position, article in enumerate(articles)
    ]
    newsletter = edition.newsletter
    day = timezone.localtime(edition.scheduled_for, newsletter.zone).date()
    return {
        "edition": edition,
        "newsletter": newsletter,
        "day": formats.written(day, "weekday_day"),
        "note": edition.note_html(NOTE_STYLES),
        "note_text": note_text(edition.intro),
        "preheader": preheader(edition, stories),
        "articles": stories,
        "top": stories[0] if stories else None,
        "others": stories[1:],
        "web_url": absolute_url(edition.get_absolute_url()),
        "newsletter_url": absolute_url(newsletter.get_absolute_url()),
        "other_newsletters": [
            {"newsletter": other, "url": absolute_url(other.get_absolute_url())}
            for other in Newsletter.objects.active().exclude(pk=newsletter.pk)
        ],
        "delivery_url": absolute_url(reverse("subscriptions:delivery-request")),
        "logo": logo(),
    }


def logo():
    """The paper's logo for the masthead, when SITE_LOGO_URL is set."""
    if not settings.SITE_LOGO_URL:
        return None
    return {
        "src": absolute_address(settings.SITE_LOGO_URL),
        "width": settings.SITE_LOGO_WIDTH,
        "height": settings.SITE_LOGO_HEIGHT,
    }


def edition_message(shared_context, subscription, to=None):
    """One recipient's copy of an edition (`to` overrides it for test copies)."""
    edition = shared_context["edition"]
    return build_message(
        subject=edition.subject,
        to=to or subscription.email,
        template="edition",
        context={**shared_context, **subscriber_links(subscription)},
        headers=list_headers(subscription),
    )
