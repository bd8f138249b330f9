"""
The demo paper's newsletters and delivery areas (demo.toml beside this
module), added when `manage.py load_demo` sends demo_paper_loading.
"""

import tomllib
from pathlib import Path

from django.utils import timezone

from articles.models import Article

from .editions import default_subject
from .models.delivery import DeliveryArea, DeliveryRoutingKey
from .models.editions import Edition, EditionArticle
from .models.newsletters import Newsletter

with (Path(__file__).parent / "demo.toml").open("rb") as _file:
    _DEMO = tomllib.load(_file)


def create_demo_newsletters():
    """Create or refresh the demo newsletters; safe to run again."""
    newsletters = []
    for fields in _DEMO["newsletters"]:
        fields = dict(fields)
        fields.pop("note", None)
        newsletter, _ = Newsletter.objects.update_or_create(
            slug=fields.pop("slug"), defaults=fields
        )
        newsletters.append(newsletter)
    return newsletters


def create_demo_editions(now=None):
    """
    One sent edition of each demo newsletter, at its latest regular time,
    with the editor's note of demo.toml and the newsletter's most articles
    (the latest published): what its web archive and its readers' mail show.
    Safe to run again: an edition already there for the time is refreshed.
    """
    now = now or timezone.now()
    editions = []
    for fields in _DEMO["newsletters"]:
        newsletter = Newsletter.objects.get(slug=fields["slug"])
        slot = newsletter.latest_slot(now)
        if slot is None:
            continue
        edition, _ = Edition.objects.update_or_create(
            newsletter=newsletter,
            scheduled_for=slot,
            defaults={
                "subject": default_subject(newsletter, slot),
                "intro": fields.get("note", ""),
                "status": Edition.Status.SENT,
                "sent_at": slot,
            },
        )
        articles = Article.objects.published().filter(published_at__lte=slot)
        latest = articles.latest_first()[: newsletter.maximum_articles]
        edition.items.all().delete()
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=article, position=position)
            for position, article in enumerate(latest)
        )
        editions.append(edition)
    return editions


def create_demo_delivery_areas():
    """Create or refresh the demo delivery areas; safe to run again."""
    areas = []
    for fields in _DEMO["delivery_areas"]:
        area, _ = DeliveryArea.objects.update_or_create(
            name=fields["name"],
            defaults={"newsagent": fields["newsagent"], "is_active": True},
        )
        for key in fields["routing_keys"]:
            DeliveryRoutingKey.objects.update_or_create(
                key=key, defaults={"area": area}
            )
        areas.append(area)
    return areas


def load_demo_content(**kwargs):
    """Receiver of articles' demo_paper_loading: this app's part of the demo."""
    newsletters = create_demo_newsletters()
    editions = create_demo_editions()
    areas = create_demo_delivery_areas()
    return (
        f"{len(newsletters)} newsletters, {len(editions)} sent editions, "
        f"{len(areas)} delivery areas"
    )
