"""
List-Unsubscribe and List-Unsubscribe-Post as mail servers read them: the
raw bytes a real SMTP server received hold each on one line of plain ASCII,
whatever the length of the unsubscribe URL (RFC 2369, RFC 8058).
"""

import re

import pytest

from .factories import make_newsletter, sign_up_data
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "site_url",
    [
        "https://news.example.org",
        "https://newsletters.the-newsroom-herald.example.org/regional/west/"
        + "edition-archive/" * 6,
    ],
)
def test_list_unsubscribe_arrives_as_one_ascii_line_at_any_url_length(
    client, settings, django_capture_on_commit_callbacks, site_url
):
    settings.SITE_URL = site_url.rstrip("/")
    newsletter = make_newsletter(name="News Wrap — Óstán edition")
    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/newsletters/sign-up/", sign_up_data(newsletter))

    [raw] = sink.handler.raw
    headers = raw.split(b"\r\n\r\n", 1)[0]
    lines = headers.split(b"\r\n")
    [unsubscribe] = [line for line in lines if line.startswith(b"List-Unsubscribe:")]
    [post] = [line for line in lines if line.startswith(b"List-Unsubscribe-Post:")]
    following = lines[lines.index(unsubscribe) + 1]

    assert re.fullmatch(
        rb"List-Unsubscribe: <"
        + re.escape(settings.SITE_URL.encode())
        + rb"/newsletters/unsubscribe/[A-Za-z0-9_:\-]+/>",
        unsubscribe,
    ), unsubscribe
    assert not following.startswith((b" ", b"\t"))  # not folded onto a next line
    assert b"=?" not in unsubscribe
    assert post == b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    if len(settings.SITE_URL) > 100:
        assert len(unsubscribe) > 200
