"""
Embeds: a URL an editor pasted into a body (`<figure data-element="embed"
data-url="…">`), resolved by the worker through its provider's oEmbed
endpoint and shown to readers behind a facade
(articles.elements.embed_html): our copy of the thumbnail, the
title and a button; nothing comes from the provider until the reader
presses it.

- `provider_for(url)`: the provider in settings.EMBED_PROVIDERS whose patterns
  accept the URL, or None.
- `queue_resolution(urls)`: called whenever an article is saved
  (`queue_article_embeds`, a post_save receiver); adds a pending
  `ResolvedEmbed` for each new URL and queues the `resolve_due_embeds` task
  when the transaction commits. Nothing is fetched in the request.
- `embeds_for(urls)`: the resolved ones, by URL, in one query. The reading
  page does not need it: its one prefetch of the body's references
  (models.body_references()) brings the resolved embeds along.

The framework's tasks have no retries, so each row carries its attempts and
next attempt: a provider that is down is asked again with a doubling wait
(EMBED_RETRY_*), and `manage.py resolve_embeds`, run periodically, restarts
the worker for what is due. An answer that breaks a rule (articles.fetching)
fails the embed at once, which then stays a link card. Only the answer's
title, author name, size and thumbnail are used: its `html` never is. The
iframe's address is built from the pasted URL by the provider's rule.
"""

import io
import json
import logging
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone
from PIL import ImageOps

from newsroom.retries import claim_due, next_attempt_at

from .body import referenced_ids
from .fetching import Refused, Unavailable, fetch, refuse
from .images import open_upload
from .models import Article, LiveEntry, ResolvedEmbed

logger = logging.getLogger(__name__)

BATCH_SIZE = 20
THUMBNAIL_MAX_WIDTH = 1280


@dataclass(frozen=True)
class Provider:
    name: str
    patterns: tuple
    endpoint: str | None
    frame: str
    token: bool = False

    def match(self, url):
        for pattern in self.patterns:
            if found := re.match(pattern, url):
                return found
        return None

    def frame_src(self, url):
        """The iframe readers get after pressing, built from the pasted URL."""
        values = {key: value for key, value in self.match(url).groupdict().items()}
        values["url"] = quote(url, safe="")
        if {"lat", "lon", "zoom"} <= values.keys():
            values["bbox"] = map_bbox(
                float(values["lat"]), float(values["lon"]), int(values["zoom"])
            )
        return self.frame.format(**values)

    def oembed_url(self, url):
        """The endpoint's address for `url`, or None when we may not ask it."""
        query = {"url": url, "format": "json", "maxwidth": THUMBNAIL_MAX_WIDTH}
        if self.token:
            if not settings.EMBED_META_ACCESS_TOKEN:
                return None
            query["access_token"] = settings.EMBED_META_ACCESS_TOKEN
        if not self.endpoint:
            return None
        return f"{self.endpoint}?{urlencode(query)}"


def map_bbox(lat, lon, zoom):
    """A bounding box ("west,south,east,north") around a point at a zoom level."""
    half_width = 360 / 2**zoom
    half_height = half_width * max(math.cos(math.radians(lat)), 0.01) / 2
    return ",".join(
        f"{value:.5f}"
        for value in (
            lon - half_width,
            lat - half_height,
            lon + half_width,
            lat + half_height,
        )
    )


def providers():
    return [
        Provider(
            name=entry["name"],
            patterns=tuple(entry["patterns"]),
            endpoint=entry.get("endpoint"),
            frame=entry["frame"],
            token=entry.get("token", False),
        )
        for entry in settings.EMBED_PROVIDERS
    ]


def provider_for(url):
    """The configured provider that accepts `url`, or None."""
    return next((p for p in providers() if p.match(url or "")), None)


def embeds_for(urls):
    """The resolved embeds of `urls`, by URL, in one query; others are absent."""
    return {
        embed.url: embed
        for embed in ResolvedEmbed.objects.resolved().filter(url__in=set(urls))
    }


def queue_resolution(urls):
    """
    Add a pending row for each URL of a known provider that has none, and
    start the worker once the transaction commits if any is still pending.
    """
    wanted = {url: provider_for(url) for url in set(urls)}
    wanted = {url: provider for url, provider in wanted.items() if provider}
    if not wanted:
        return
    known = dict(
        ResolvedEmbed.objects.filter(url__in=wanted).values_list("url", "status")
    )
    new = [
        ResolvedEmbed(url=url, provider=provider.name)
        for url, provider in wanted.items()
        if url not in known
    ]
    if new:
        ResolvedEmbed.objects.bulk_create(new, ignore_conflicts=True)
    if new or ResolvedEmbed.Status.PENDING in known.values():
        transaction.on_commit(enqueue_resolution)


@receiver(post_save, sender=Article, dispatch_uid="queue_article_embeds")
@receiver(post_save, sender=LiveEntry, dispatch_uid="queue_live_entry_embeds")
def queue_article_embeds(sender, instance, raw=False, **kwargs):
    """
    A saved article's or live entry's embeds are queued for the worker (a
    side effect of the save, never its work: nothing is fetched in the
    editor's request).
    """
    if not raw:
        queue_resolution(referenced_ids(instance.body)["embed"])


def enqueue_resolution(run_after=None):
    the_task = resolve_due_embeds
    if run_after is not None:
        if not the_task.get_backend().supports_defer:
            return  # `manage.py resolve_embeds` starts it when it is due.
        the_task = the_task.using(run_after=run_after)
    try:
        the_task.enqueue()
    except Exception:
        # The rows are saved; `manage.py resolve_embeds` starts the worker later.
        logger.exception("Could not queue the embeds' resolution task")


# Resolving (the worker only).


def resolve(embed):
    """
    Ask the provider about `embed` and record the outcome on its row. Only a
    resolution changes what readers see (a facade instead of a link card), so
    only it is saved through the model and drops the kept pages; a retry or a
    failure is written past them.
    """
    provider = provider_for(embed.url)
    now = timezone.now()
    attempts = embed.attempts + 1
    try:
        if provider is None:
            raise refuse("no configured provider", urlsplit(embed.url).hostname)
        answer = oembed_answer(provider, embed.url)
        thumbnail = copy_thumbnail(answer.get("thumbnail_url"), embed.url)
    except Unavailable as error:
        due_at = next_attempt_at(
            now,
            attempts,
            first=settings.EMBED_RETRY_SECONDS,
            longest=settings.EMBED_RETRY_MAX_SECONDS,
            most=settings.EMBED_RETRY_ATTEMPTS,
        )
        if due_at is None:
            return record(embed, ResolvedEmbed.Status.FAILED, attempts, error)
        return record(
            embed, ResolvedEmbed.Status.PENDING, attempts, error, next_attempt_at=due_at
        )
    except Refused as error:
        return record(embed, ResolvedEmbed.Status.FAILED, attempts, error)
    embed.attempts = attempts
    embed.provider = provider.name
    embed.title = text_field(answer.get("title"), 300)
    embed.author_name = text_field(answer.get("author_name"), 200)
    embed.width = whole_number(answer.get("width"))
    embed.height = whole_number(answer.get("height"))
    embed.iframe_src = provider.frame_src(embed.url)
    if thumbnail is not None:
        embed.thumbnail = thumbnail  # Stored, and measured, as the row is saved.
    embed.status = ResolvedEmbed.Status.RESOLVED
    embed.resolved_at = now
    embed.last_error = ""
    embed.save()
    return embed.status


def record(embed, status, attempts, error, **fields):
    """Write an outcome readers do not see, leaving the kept pages alone."""
    ResolvedEmbed._base_manager.filter(pk=embed.pk).update(
        status=status, attempts=attempts, last_error=str(error)[:300], **fields
    )
    return status


def claim(embed, now):
    """
    Take a due embed for this worker: a worker that read it at the same time
    finds it taken. Should this one stop, it is due again after the lease.
    """
    return claim_due(
        ResolvedEmbed._base_manager.filter(
            pk=embed.pk, status=ResolvedEmbed.Status.PENDING
        ),
        "next_attempt_at",
        embed.next_attempt_at,
        now,
        lease=timedelta(seconds=settings.EMBED_FETCH_SECONDS * 4),
    )


def oembed_answer(provider, url):
    """The provider's oEmbed answer as a dict; {} for a provider with none."""
    address = provider.oembed_url(url)
    if address is None:
        return {}
    body, _content_type = fetch(
        address,
        hosts={urlsplit(address).hostname},
        max_bytes=settings.EMBED_MAX_ANSWER_BYTES,
        accept="application/json",
    )
    host = urlsplit(address).hostname
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise refuse("the oEmbed answer is not JSON", host) from error
    if not isinstance(answer, dict):
        raise refuse("the oEmbed answer is not a JSON object", host)
    return answer


def copy_thumbnail(address, url):
    """
    Our copy of the thumbnail at `address` (the host the answer names): it
    must decode as a picture, which is then re-encoded as a JPEG at most
    THUMBNAIL_MAX_WIDTH wide, so nothing of the provider's file but its
    pixels reaches our readers (no metadata, no other format). None when the
    answer names no thumbnail.
    """
    if not address:
        return None
    if not isinstance(address, str):
        raise refuse("the thumbnail address is not text", urlsplit(url).hostname)
    body, _content_type = fetch(
        address,
        hosts={urlsplit(address).hostname},
        max_bytes=settings.EMBED_MAX_THUMBNAIL_BYTES,
        accept="image/*",
    )
    try:
        # The uploads' rules: a picture Pillow reads in an accepted format,
        # no SVG, within the pixel limit.
        picture = open_upload(ContentFile(body, name="thumbnail"))
    except ValidationError as error:
        host = urlsplit(address).hostname
        raise refuse(f"not a picture ({error.code})", host) from error
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    picture.thumbnail((THUMBNAIL_MAX_WIDTH, THUMBNAIL_MAX_WIDTH * 4))
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=82, optimize=True)
    return ContentFile(
        output.getvalue(), name=f"{sha256(url.encode()).hexdigest()[:16]}.jpg"
    )


def text_field(value, length):
    return value.strip()[:length] if isinstance(value, str) else ""


def whole_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = int(float(value))
        return number if 0 < number < 100_000 else None
    return None


@task
def resolve_due_embeds():
    """Resolve a batch of due embeds, then queue what comes next."""
    outcomes = {}
    now = timezone.now()
    for embed in ResolvedEmbed.objects.due(now).order_by("next_attempt_at")[
        :BATCH_SIZE
    ]:
        if claim(embed, now):
            status = resolve(embed)
            outcomes[status] = outcomes.get(status, 0) + 1
    continue_resolution()
    return outcomes


def continue_resolution():
    """Queue the next batch while embeds are due, else a run for the next retry."""
    if ResolvedEmbed.objects.due().exists():
        enqueue_resolution()
        return
    earliest = ResolvedEmbed.objects.filter(
        status=ResolvedEmbed.Status.PENDING
    ).aggregate(at=Min("next_attempt_at"))["at"]
    if earliest is not None:
        enqueue_resolution(run_after=earliest)


def resume():
    """For the periodic run: start the worker when embeds are due. Returns how many."""
    due = ResolvedEmbed.objects.due().count()
    if due:
        enqueue_resolution()
    return due
