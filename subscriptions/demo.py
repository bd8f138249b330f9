"""Demo newsletters for the demo paper (called by the demo loader)."""

from datetime import time

from .models import Newsletter

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
