"""The demo paper's newsletters."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from subscriptions.demo import create_demo_newsletters
from subscriptions.models import Newsletter

pytestmark = pytest.mark.django_db

DUBLIN = ZoneInfo("Europe/Dublin")


def test_demo_newsletters_are_a_daily_news_wrap_and_a_monday_weekly():
    """News Wrap goes at 1pm Dublin time every day; the weekly one on Mondays."""
    create_demo_newsletters()

    wrap = Newsletter.objects.get(name="News Wrap")
    assert wrap.pitch == "A lunchtime summary of the day's highlights"
    assert wrap.rhythm == "Delivered at 1pm each day"
    wednesday = datetime(2026, 11, 25, 14, 0, tzinfo=DUBLIN)
    assert wrap.latest_slot(wednesday) == datetime(2026, 11, 25, 13, 0, tzinfo=DUBLIN)
    weekly = Newsletter.objects.exclude(pk=wrap.pk).get()
    assert "Monday" in weekly.rhythm
    assert weekly.latest_slot(wednesday).date().isoweekday() == 1


def test_creating_the_demo_newsletters_twice_changes_nothing():
    """Running the demo loader again neither duplicates nor fails."""
    first = create_demo_newsletters()
    second = create_demo_newsletters()

    assert [n.pk for n in first] == [n.pk for n in second]
    assert Newsletter.objects.count() == 2
