"""
Migration 0004 moves newsletters' days of the week from ISO digits ("15") to
weekday codes (["mon", "fri"]), and back again when reversed.
"""

from datetime import time

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("subscriptions", "0003_circulation_group")
AFTER = ("subscriptions", "0004_weekday_codes")

ROWS = {
    "daily": ("1234567", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    "weekly": ("1", ["mon"]),
    "twice": ("15", ["mon", "fri"]),
    "weekend": ("67", ["sat", "sun"]),
}


def newsletter_days(apps):
    Newsletter = apps.get_model("subscriptions", "Newsletter")
    return dict(Newsletter.objects.values_list("slug", "send_days"))


def test_weekday_migration_converts_real_rows_forward_and_back(migrate):
    """Digits become codes in week order, and the reverse restores the digits."""
    old = migrate(BEFORE)
    Newsletter = old.get_model("subscriptions", "Newsletter")
    for position, (slug, (digits, _)) in enumerate(ROWS.items()):
        Newsletter.objects.create(
            name=slug.title(),
            slug=slug,
            pitch="A pitch",
            rhythm="A rhythm",
            send_time=time(13, 0),
            send_days=digits,
            time_zone="Europe/Dublin",
            position=position,
        )

    assert newsletter_days(migrate(AFTER)) == {
        slug: codes for slug, (_, codes) in ROWS.items()
    }
    assert newsletter_days(migrate(BEFORE)) == {
        slug: digits for slug, (digits, _) in ROWS.items()
    }
    assert newsletter_days(migrate(AFTER)) == {
        slug: codes for slug, (_, codes) in ROWS.items()
    }
