"""
The demo paper is the same paper whatever holds its text: a digest of
everything `load_demo` writes, for a fixed seed and moment, pinned to the one
taken while the text was still Python literals; and one of the showcase
articles and their embeds, pinned when they were written.
"""

import dataclasses
import hashlib
import json
from datetime import UTC, datetime

import pytest

from articles import demo

pytestmark = pytest.mark.django_db

# sha256 of the demo content (see demo_digest) before it moved to data files.
DEMO_DIGEST = "e83cb9bf2e9d0fe33a998e215246f0fef5aa6653c3190019361ca6a9629afa4f"
# The showcase articles and the embeds (the last, the storm coverage's map of
# Salthill promenade, for the live entries).
SHOWCASE_DIGEST = "fa80a9c803696783498ddfd1671ec6907005cb8361e679dd76d5905ec994612e"
REFERENCE = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def demo_digest(newsletters, areas):
    """Sections, staff, tags, pictures (their JPEG bytes), 300 articles, and
    the newsletters and delivery areas, in one sha256."""
    content = {
        "sections": demo.SECTIONS,
        "authors": [[a.name, a.slug, a.role, a.bio, a.desk] for a in demo.AUTHORS],
        "tags": demo.TAGS,
        "pictures": [
            [
                p.key,
                p.scene,
                p.alt_text,
                p.caption,
                hashlib.sha256(p.draw()).hexdigest(),
            ]
            for p in demo.image_pool()
        ],
        "articles": [
            dataclasses.asdict(a) for a in demo.generate_articles(300, REFERENCE)
        ],
        "newsletters": newsletters,
        "areas": areas,
    }
    encoded = json.dumps(_plain(content), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def newsletter_rows():
    from subscriptions.models import Newsletter

    rows = []
    for n in Newsletter.objects.order_by("slug"):
        moment, slots = REFERENCE, []
        for _ in range(8):
            moment = n.next_slot(moment)
            slots.append(moment.isoformat())
        rows.append(
            [
                n.name,
                n.slug,
                n.pitch,
                n.rhythm,
                n.send_time.isoformat(),
                n.time_zone,
                n.is_active,
                n.minimum_articles,
                n.maximum_articles,
                n.position,
                slots,
            ]
        )
    return rows


def area_rows():
    from subscriptions.models import DeliveryArea

    return [
        [
            area.name,
            area.newsagent,
            area.newsagent_contact,
            area.is_active,
            [key.key for key in area.routing_keys.order_by("key")],
        ]
        for area in DeliveryArea.objects.order_by("name")
    ]


def test_demo_content_is_byte_for_byte_what_it_was():
    """The generated paper, pictures included, matches the pinned digest."""
    from subscriptions import demo as subscriptions_demo

    subscriptions_demo.create_demo_newsletters()
    subscriptions_demo.create_demo_delivery_areas()

    assert demo_digest(newsletter_rows(), area_rows()) == DEMO_DIGEST


def showcase_digest():
    """The showcase articles (with made-up ids for what they refer to) and
    the embeds (their thumbnails' JPEG bytes), in one sha256."""
    pictures = {p.key: n for n, p in enumerate(demo.image_pool(), start=1)}
    articles = {slug: n for n, slug in enumerate(demo.showcase_slugs(), start=101)}
    content = {
        "articles": [
            dataclasses.asdict(a)
            for a in demo.showcase_articles(REFERENCE, pictures, articles)
        ],
        "embeds": [
            [*dataclasses.astuple(e), hashlib.sha256(e.draw()).hexdigest()]
            for e in demo.EMBEDS
        ],
    }
    encoded = json.dumps(_plain(content), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def test_showcase_articles_and_embeds_are_the_same_on_every_run():
    """The showcase's bodies, dates and drawn embed thumbnails match the pin."""
    assert showcase_digest() == SHOWCASE_DIGEST
