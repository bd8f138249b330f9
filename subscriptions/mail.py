"""
The newsletter emails: a confirmation email and edition emails, each with an
HTML and a plain-text part, absolute links from settings.SITE_URL, and the
List-Unsubscribe headers of RFC 2369 and RFC 8058.
"""

from email.policy import EmailPolicy
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path):
    return settings.SITE_URL + path


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


def edition_context(edition, articles):
    """What every recipient's copy of an edition shares: render it once."""
    return {
        "edition": edition,
        "newsletter": edition.newsletter,
        "articles": [
            {
                "title": article.title,
                "standfirst": article.standfirst,
                "section": article.section.name,
                "url": absolute_url(article.get_absolute_url()),
            }
            for article in articles
        ],
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
