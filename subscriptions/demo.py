"""
The demo paper's newsletters and delivery areas (demo.toml beside this
module), added when `manage.py load_demo` sends demo_paper_loading.
"""

import tomllib
from pathlib import Path

from .models.delivery import DeliveryArea, DeliveryRoutingKey
from .models.newsletters import Newsletter

with (Path(__file__).parent / "demo.toml").open("rb") as _file:
    _DEMO = tomllib.load(_file)


def create_demo_newsletters():
    """Create or refresh the demo newsletters; safe to run again."""
    newsletters = []
    for fields in _DEMO["newsletters"]:
        fields = dict(fields)
        newsletter, _ = Newsletter.objects.update_or_create(
            slug=fields.pop("slug"), defaults=fields
        )
        newsletters.append(newsletter)
    return newsletters


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
    areas = create_demo_delivery_areas()
    return f"{len(newsletters)} newsletters, {len(areas)} delivery areas"
