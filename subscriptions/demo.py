"""Demo newsletters and delivery areas for the demo paper (for the demo loader)."""

from datetime import time

from .models import DeliveryArea, DeliveryRoutingKey, Newsletter

DEMO_NEWSLETTERS = [
    {
        "slug": "news-wrap",
        "name": "News Wrap",
        "pitch": "A lunchtime summary of the day's highlights",
        "rhythm": "Delivered at 1pm each day",
        "send_time": time(13, 0),
        "send_days": "1234567",
        "time_zone": "Europe/Dublin",
        "minimum_articles": 3,
        "maximum_articles": 10,
        "position": 1,
    },
    {
        "slug": "the-week",
        "name": "The Week",
        "pitch": "The week's best reporting, analysis and opinion in one read",
        "rhythm": "Delivered at 7am every Monday",
        "send_time": time(7, 0),
        "send_days": "1",
        "time_zone": "Europe/Dublin",
        "minimum_articles": 5,
        "maximum_articles": 15,
        "position": 2,
    },
]


def create_demo_newsletters():
    """Create or refresh the demo newsletters; safe to run again."""
    newsletters = []
    for fields in DEMO_NEWSLETTERS:
        fields = dict(fields)
        newsletter, _ = Newsletter.objects.update_or_create(
            slug=fields.pop("slug"), defaults=fields
        )
        newsletters.append(newsletter)
    return newsletters


# Home delivery

# Midland and western districts with their real Eircode routing keys; the
# newsagents are invented.
DEMO_DELIVERY_AREAS = [
    ("Athlone", "Lyons Newsagents, Church Street", ["N37"]),
    ("Mullingar", "Daly's Shop, Oliver Plunkett Street", ["N91"]),
    ("Tullamore", "Egan's Newsagency, William Street", ["R35"]),
    ("Galway city", "Route 4 (Corrib Deliveries)", ["H91"]),
    ("Ennis", "Keane's, O'Connell Street", ["V95"]),
]


def create_demo_delivery_areas():
    """Create or refresh the demo delivery areas; safe to run again."""
    areas = []
    for name, newsagent, keys in DEMO_DELIVERY_AREAS:
        area, _ = DeliveryArea.objects.update_or_create(
            name=name, defaults={"newsagent": newsagent, "is_active": True}
        )
        for key in keys:
            DeliveryRoutingKey.objects.update_or_create(
                key=key, defaults={"area": area}
            )
        areas.append(area)
    return areas


def load_demo_content(**kwargs):
    """Receiver of articles' demo_paper_loading: this app's part of the demo."""
    newsletters = create_demo_newsletters()
    areas = create_demo_delivery_areas()
    return f"{len(newsletters)} newsletters, {len(areas)} delivery areas"
