"""A confirmation email crosses a real SMTP conversation end to end."""

import re

import pytest
from django.test import Client

from subscriptions.models import Subscription

from .factories import make_newsletter, sign_up_data
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db


def test_confirmation_email_is_delivered_over_smtp_and_its_link_confirms(
    settings, django_capture_on_commit_callbacks
):
    """
    Sign up, let Django's SMTP backend talk to a local SMTP server, parse what
    the server received, and follow the link in it to a confirmed subscription.
    """
    settings.SITE_URL = "https://news.example.org"
    settings.NEWSLETTER_FROM_EMAIL = "The Herald <newsletters@news.example.org>"
    newsletter = make_newsletter(name="News Wrap")
    client = Client(enforce_csrf_checks=True)

    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/newsletters/sign-up/",
                sign_up_data(newsletter, email="reader@example.com"),
            )

    assert len(sink.messages) == 1
    envelope_to, message = sink.messages[0]
    assert envelope_to == ["reader@example.com"]
    assert message["To"] == "reader@example.com"
    assert message["From"] == "The Herald <newsletters@news.example.org>"
    assert "News Wrap" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://news\.example\.org/newsletters/unsubscribe/\S+/>",
        message["List-Unsubscribe"],
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = re.search(r"https://news\.example\.org(/newsletters/confirm/\S+/)", text)
    assert link and link.group(0) in html

    page = client.get(link.group(1))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    client.post(link.group(1), {"csrfmiddlewaretoken": token.group(1).decode()})

    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
