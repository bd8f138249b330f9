"""
The worker resolves embeds through the provider's oEmbed endpoint, played by
a real HTTPS server: it answers (resolved, thumbnail copied and re-encoded),
is down then up (retried with backoff, then resolved), and answers with
hostile content (refused and logged, nothing of it stored).
"""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PillowImage

from articles.embeds import (
    claim,
    embeds_for,
    enqueue_resolution,
    queue_resolution,
    resolve_due_embeds,
)
from articles.models import ResolvedEmbed
from newsroom.cache.versions import content_version

from .provider_server import Answer, jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def answer(provider, **changes):
    return Answer(
        body={
            "type": "video",
            "version": "1.0",
            "title": "Garda appeal: have you seen this van?",
            "author_name": "An Garda Síochána",
            "provider_name": "YouTube",
            "width": 640,
            "height": 360,
            "thumbnail_url": f"{provider.origin}/thumb.jpg",
            "html": '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
            **changes,
        },
        headers={"Content-Type": "application/json"},
    )


def queue(django_capture_on_commit_callbacks, *urls):
    with django_capture_on_commit_callbacks(execute=True):
        queue_resolution(urls or [URL])
    return ResolvedEmbed.objects.get(url=(urls or [URL])[0])


def test_an_answer_resolves_the_embed_with_our_copy_of_the_thumbnail(
    provider, django_capture_on_commit_callbacks
):
    """Title, author, size and a re-encoded JPEG thumbnail in our media."""
    provider.answers["/oembed"] = answer(provider)
    png = io.BytesIO()
    PillowImage.new("RGBA", (800, 450), (0, 0, 255, 128)).save(png, "PNG")
    provider.answers["/thumb.jpg"] = Answer(body=png.getvalue())

    embed = queue(django_capture_on_commit_callbacks)

    assert embed.status == ResolvedEmbed.Status.RESOLVED
    assert embed.title == "Garda appeal: have you seen this van?"
    assert embed.author_name == "An Garda Síochána"
    assert embed.provider == "YouTube"
    assert (embed.width, embed.height, embed.aspect_ratio) == (640, 360, 1.7778)
    assert embed.iframe_src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed.resolved_at is not None
    with embed.thumbnail.open() as stored, PillowImage.open(stored) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (800, 450)
    assert (embed.thumbnail_width, embed.thumbnail_height) == (800, 450)
    assert provider.requests[0].startswith("/oembed?url=https%3A%2F%2Fwww.youtube")


def test_the_request_only_queues_and_the_worker_fetches(
    provider, django_capture_on_commit_callbacks
):
    """Before the transaction commits nothing is fetched: only a pending row."""
    provider.answers["/oembed"] = answer(provider, thumbnail_url=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_resolution([URL, "https://www.example.com/not-an-embed"])
    assert provider.requests == []
    assert list(ResolvedEmbed.objects.values_list("url", "status")) == [
        (URL, "pending")
    ]
    assert enqueue_resolution in callbacks


def test_a_resolution_drops_the_kept_pages(
    provider, django_capture_on_commit_callbacks
):
    """ResolvedEmbed is reader-visible: resolving bumps the content version."""
    provider.answers["/oembed"] = answer(provider, thumbnail_url=None)
    before = content_version()
    queue(django_capture_on_commit_callbacks)
    assert content_version() != before


def test_a_provider_down_then_up_is_retried_with_backoff_then_resolved(
    provider, django_capture_on_commit_callbacks, settings
):
    """503s leave it pending with a doubling wait; the periodic run resolves it."""
    settings.EMBED_RETRY_SECONDS = 60
    provider.answers["/oembed"] = Answer(503)
    start = timezone.now()
    embed = queue(django_capture_on_commit_callbacks)
    assert (embed.status, embed.attempts) == ("pending", 1)
    assert "503" in embed.last_error
    assert embed.next_attempt_at >= start + timedelta(seconds=60)

    ResolvedEmbed.objects.update(next_attempt_at=timezone.now())
    resolve_due_embeds.call()
    embed.refresh_from_db()
    assert embed.attempts == 2
    assert embed.next_attempt_at >= timezone.now() + timedelta(seconds=110)

    call_command("resolve_embeds", stdout=io.StringIO())
    embed.refresh_from_db()
    assert embed.attempts == 2, "not due yet: the periodic run leaves it"

    provider.answers["/oembed"] = answer(provider)
    provider.answers["/thumb.jpg"] = Answer(body=jpeg_bytes())
    ResolvedEmbed.objects.update(next_attempt_at=timezone.now())
    out = io.StringIO()
    call_command("resolve_embeds", stdout=out)
    assert out.getvalue() == "Embeds due: 1.\n"
    embed.refresh_from_db()
    assert (embed.status, embed.attempts, embed.last_error) == ("resolved", 3, "")


def test_a_retry_leaves_the_kept_pages_alone(
    provider, django_capture_on_commit_callbacks
):
    """Pending or failed, readers see the same link card: no version bump."""
    provider.answers["/oembed"] = Answer(503)
    with django_capture_on_commit_callbacks(execute=False):
        queue_resolution([URL])
    before = content_version()
    resolve_due_embeds.call()
    assert ResolvedEmbed.objects.get().attempts == 1
    assert content_version() == before


def test_a_due_embed_is_taken_by_one_worker_only(provider):
    """Two workers that read the same due row: the second finds it claimed."""
    provider.answers["/oembed"] = answer(provider, thumbnail_url=None)
    ResolvedEmbed.objects.create(url=URL, provider="YouTube")
    first, second = ResolvedEmbed.objects.get(), ResolvedEmbed.objects.get()
    now = timezone.now()
    assert claim(first, now)
    assert not claim(second, now)
    assert not ResolvedEmbed.objects.due(now).exists()


def test_retries_stop_after_the_last_attempt(
    provider, django_capture_on_commit_callbacks, settings
):
    """A provider down for good leaves the embed failed (a link card)."""
    settings.EMBED_RETRY_ATTEMPTS = 2
    provider.answers["/oembed"] = Answer(503)
    queue(django_capture_on_commit_callbacks)
    ResolvedEmbed.objects.update(next_attempt_at=timezone.now())
    resolve_due_embeds.call()
    assert ResolvedEmbed.objects.get().status == ResolvedEmbed.Status.FAILED


def test_a_script_in_the_answers_html_is_never_used_or_stored(
    provider, django_capture_on_commit_callbacks
):
    """The iframe comes from the pasted URL; the answer's html is dropped."""
    provider.answers["/oembed"] = answer(
        provider,
        html='<script src="https://evil.example/x.js"></script><iframe '
        'src="https://evil.example/"></iframe>',
        title="<script>alert(1)</script>Clip",
        thumbnail_url=None,
    )
    embed = queue(django_capture_on_commit_callbacks)
    assert embed.status == ResolvedEmbed.Status.RESOLVED
    assert embed.iframe_src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    stored = " ".join(
        str(value) for value in ResolvedEmbed.objects.values().get().values()
    )
    assert "evil.example" not in stored
    assert "<iframe" not in stored


@pytest.mark.parametrize(
    ("thumbnail", "reason"),
    [
        (Answer(stream_bytes=50 * 1024 * 1024), "larger than 5242880 bytes"),
        (Answer(body=b"x" * (50 * 1024 * 1024)), "larger than 5242880 bytes"),
        (Answer(body=b"<html><script>alert(1)</script></html>"), "not a picture"),
        (Answer(body=b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "not a picture"),
        (
            Answer(302, headers={"Location": "https://127.0.0.1:9/x.jpg"}),
            "not a public address",
        ),
    ],
    ids=["50 MB streamed", "50 MB declared", "HTML", "SVG", "redirect to loopback"],
)
def test_a_hostile_thumbnail_is_refused_and_logged(
    provider, django_capture_on_commit_callbacks, caplog, thumbnail, reason
):
    """The embed fails at once (no retry), with the reason logged and kept."""
    provider.answers["/oembed"] = answer(provider)
    provider.answers["/thumb.jpg"] = thumbnail
    with caplog.at_level(logging.WARNING, "articles"):
        embed = queue(django_capture_on_commit_callbacks)
    assert (embed.status, embed.attempts) == ("failed", 1)
    assert not embed.thumbnail
    assert f"Embed fetch refused (127.0.0.1): {reason}" in caplog.text
    assert embed.last_error


def test_a_thumbnail_at_the_metadata_address_is_refused_and_logged(
    provider, django_capture_on_commit_callbacks, caplog
):
    """An answer naming 169.254.169.254 gets no request there."""
    provider.answers["/oembed"] = answer(
        provider, thumbnail_url="https://169.254.169.254/latest/meta-data/"
    )
    with caplog.at_level(logging.WARNING, "articles.fetching"):
        embed = queue(django_capture_on_commit_callbacks)
    assert embed.status == ResolvedEmbed.Status.FAILED
    assert "169.254.169.254" in caplog.text
    assert "not a public address" in caplog.text


@pytest.mark.parametrize(
    "location",
    ["https://127.0.0.1:9/oembed", "https://169.254.169.254/latest/meta-data/"],
)
def test_a_redirect_of_the_endpoint_to_a_private_address_is_refused(
    provider, django_capture_on_commit_callbacks, caplog, location
):
    """The endpoint may not send us to the loopback or the metadata service."""
    provider.answers["/oembed"] = Answer(302, headers={"Location": location})
    with caplog.at_level(logging.WARNING, "articles.fetching"):
        embed = queue(django_capture_on_commit_callbacks)
    assert embed.status == ResolvedEmbed.Status.FAILED
    assert "Embed fetch refused" in caplog.text


def test_an_answer_that_is_not_json_is_refused(
    provider, django_capture_on_commit_callbacks
):
    provider.answers["/oembed"] = Answer(body=b"<html>nope</html>")
    embed = queue(django_capture_on_commit_callbacks)
    assert (embed.status, embed.last_error) == (
        "failed",
        "the oEmbed answer is not JSON",
    )


def test_maps_resolve_without_fetching(django_capture_on_commit_callbacks):
    """A provider without oEmbed gets its iframe from the URL, no request made."""
    url = "https://www.google.com/maps/place/Cork/@51.8985,-8.4756,14z"
    embed = queue(django_capture_on_commit_callbacks, url)
    assert embed.status == ResolvedEmbed.Status.RESOLVED
    assert embed.provider == "Google Maps"
    assert embed.iframe_src.startswith("https://maps.google.com/maps?ll=51.8985")


def test_embeds_for_reads_any_number_of_urls_in_one_query(
    django_assert_num_queries,
):
    """Only resolved embeds come back, keyed by URL; pending ones are absent."""
    urls = [f"https://youtu.be/{n:011d}" for n in range(5)]
    for n, url in enumerate(urls):
        ResolvedEmbed.objects.create(
            url=url, provider="YouTube", status="resolved" if n % 2 else "pending"
        )
    with django_assert_num_queries(1):
        found = embeds_for(urls + ["https://vimeo.com/1"])
    assert sorted(found) == [urls[1], urls[3]]
    assert found[urls[1]].url == urls[1]


def test_a_url_already_resolved_is_not_queued_again(
    django_capture_on_commit_callbacks,
):
    """Saving an article again asks nothing of the provider."""
    ResolvedEmbed.objects.create(url=URL, provider="YouTube", status="resolved")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_resolution([URL])
    assert callbacks == []
