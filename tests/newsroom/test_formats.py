import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from newsroom import formats

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")
# 14:32 in Dublin on a summer day is 13:32 UTC: pages show the paper's time.
SUMMER_UTC = datetime.datetime(2026, 7, 6, 13, 32, 5, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _dublin(settings):
    settings.TIME_ZONE = "Europe/Dublin"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("time", "14:32"),
        ("day", "6 July 2026"),
        ("day_month", "6 July"),
        ("weekday_day", "Monday 6 July 2026"),
        ("weekday_day_month", "Monday 6 July"),
        ("year", "2026"),
        ("moment", "6 July 2026, 14:32"),
        ("short_day", "6 Jul"),
        ("short_moment", "6 Jul 2026, 14:32"),
        ("short_weekday_day", "Mon 6 Jul 2026"),
        ("weekday_moment", "Mon 6 Jul 2026, 14:32"),
        ("weekday_moment_seconds", "Mon 6 Jul 2026, 14:32:05"),
        ("stamp", "2026-07-06 14:32"),
        ("iso_day", "2026-07-06"),
        ("file_stamp", "2026-07-06-1432"),
    ],
)
def test_each_style_writes_datetimes_in_the_papers_time_zone(style, expected):
    assert formats.written(SUMMER_UTC, style) == expected


def test_dates_are_written_as_they_are():
    assert formats.written(datetime.date(2026, 12, 7), "weekday_day") == (
        "Monday 7 December 2026"
    )


def test_nothing_is_written_as_nothing():
    assert formats.written(None, "moment") == ""


def test_an_unknown_style_is_an_error_not_a_silent_default():
    with pytest.raises(KeyError):
        formats.written(SUMMER_UTC, "fancy")


def test_with_zone_names_the_zone():
    assert formats.with_zone(SUMMER_UTC) == "6 July 2026, 14:32 (Europe/Dublin)"


def test_iso_is_local_time_in_whole_seconds_with_its_offset():
    assert formats.iso(SUMMER_UTC) == "2026-07-06T14:32:05+01:00"


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (datetime.datetime(2026, 7, 6, 9, 24, tzinfo=DUBLIN), "09:24"),
        (datetime.datetime(2026, 7, 5, 21, 27, tzinfo=DUBLIN), "Yesterday, 21:27"),
        (datetime.datetime(2026, 7, 2, 6, 50, tzinfo=DUBLIN), "Thursday, 06:50"),
        (datetime.datetime(2026, 6, 29, 6, 50, tzinfo=DUBLIN), "29 June"),
    ],
)
def test_written_when_says_it_as_a_reader_would(then, expected):
    now = datetime.datetime(2026, 7, 6, 18, 0, tzinfo=DUBLIN)
    assert formats.written_when(then, now) == expected


@pytest.mark.django_db
def test_staff_name_is_the_full_name_else_the_username_else_the_system():
    User = get_user_model()
    named = User(username="jdoe", first_name="Jane", last_name="Doe")
    unnamed = User(username="night-desk")
    assert formats.staff_name(named) == "Jane Doe"
    assert formats.staff_name(unnamed) == "night-desk"
    assert formats.staff_name(None) == "the system"


def test_templates_use_the_same_styles():
    template = Template(
        '{% load formats %}{{ when|written:"moment" }}|{{ when|iso }}|'
        "{{ nobody|staff_name }}"
    )
    rendered = template.render(Context({"when": SUMMER_UTC, "nobody": None}))
    assert rendered == "6 July 2026, 14:32|2026-07-06T14:32:05+01:00|the system"


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (datetime.datetime(2026, 7, 7, 14, 0, tzinfo=DUBLIN), "Tue 14:00"),
        (datetime.datetime(2026, 7, 15, 8, 0, tzinfo=DUBLIN), "Wed 15 Jul 08:00"),
        (datetime.datetime(2027, 1, 5, 8, 0, tzinfo=DUBLIN), "Tue 5 Jan 2027 08:00"),
    ],
)
def test_ahead_says_a_time_to_come_as_briefly_as_is_clear(then, expected):
    now = datetime.datetime(2026, 7, 6, 18, 0, tzinfo=DUBLIN)
    assert formats.ahead(then, now) == expected


def test_a_day_is_written_once_per_process_and_kept():
    """Cards write the same few days over and over: each is formatted once."""
    formats.written_day.cache_clear()
    first = formats.written(SUMMER_UTC, "day")
    later = SUMMER_UTC + datetime.timedelta(hours=5)  # 19:32 in Dublin, same day
    assert formats.written(later, "weekday_day") == "Monday 6 July 2026"
    assert formats.written(later, "day") == first == "6 July 2026"
    assert formats.written_day.cache_info().hits == 1


def test_today_is_the_papers_date_written_in_a_style(monkeypatch):
    """{% today %} writes the local date: 23:30 UTC is already the 7th in Dublin."""
    late = datetime.datetime(2026, 7, 6, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    template = Template(
        '{% load formats %}{% today "weekday_day" %} © {% today "year" %}'
    )
    assert template.render(Context()) == "Tuesday 7 July 2026 © 2026"
    with translation.override("fr"):
        assert formats.today("weekday_day") == "mardi 7 juillet 2026"


def test_a_kept_day_is_written_in_the_language_active_and_time_zone():
    """The kept days are kept per language, and from the local date."""
    assert formats.written(SUMMER_UTC, "weekday_day") == "Monday 6 July 2026"
    with translation.override("fr"):
        assert formats.written(SUMMER_UTC, "weekday_day") == "lundi 6 juillet 2026"
    with translation.override("ga"):
        assert formats.written(SUMMER_UTC, "day") == "6 Iúil 2026"
    assert formats.written(SUMMER_UTC, "day") == "6 July 2026"
    late = datetime.datetime(2026, 7, 6, 23, 30, tzinfo=datetime.UTC)  # 00:30, 7th
    assert formats.written(late, "day") == "7 July 2026"
    assert formats.written(late.date(), "day") == "6 July 2026"


@pytest.mark.parametrize("style", sorted(formats.MINUTE_STYLES))
def test_a_moment_writes_what_its_date_format_writes(style):
    """
    Styles ending in the time ("moment", "time") write the kept day and the
    hour and minute: what Django's date format writes, across the clock
    changes, at midnight, for naive times and in the language active.
    """
    moments = [
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),  # 00:59 GMT
        datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),  # 02:00 IST
        datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC),  # 01:30 IST
        datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC),  # 01:30 GMT
        datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
        datetime.datetime(2027, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(987, 7, 6, 9, 5),  # naive, a year of three digits
    ]
    for language in ("en-ie", "ga", "fr"):
        with translation.override(language):
            for moment in moments:
                local = formats.local(moment)
                expected = date_format(local, formats.STYLES[style])
                assert formats.written(moment, style) == expected
    assert "moment" in formats.MINUTE_STYLES
    assert "time" in formats.MINUTE_STYLES
