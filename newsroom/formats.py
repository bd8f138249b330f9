"""
How the paper writes dates, times and staff members' names. Reading pages,
the admin, emails, commands and records' names all take them from here, so a
change of house style is one edit.

A style is a name for a Django date format (the characters of the `date`
template filter). Datetimes are written in the paper's time zone
(`TIME_ZONE`); dates as they are. In templates, `{% load formats %}`:

    {{ article.published_at|written:"moment" }}   6 December 2026, 14:32
    {{ article.published_at|iso }}                2026-12-06T14:32:00+00:00
    {{ entry.at|written_when }}                    14:32 / Yesterday, 21:27 / …
    {{ revision.created_by|staff_name }}           Jane Doe
    {% today "weekday_day" %}                      Sunday 6 December 2026
"""

import datetime
import functools

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

STYLES = {
    # Reading pages and emails.
    "time": "H:i",  # 14:32
    "day": "j F Y",  # 6 December 2026
    "day_month": "j F",  # 6 December
    "weekday_day": "l j F Y",  # Sunday 6 December 2026
    "weekday_day_month": "l j F",  # Sunday 6 December
    "year": "Y",  # 2026
    "moment": "j F Y, H:i",  # 6 December 2026, 14:32
    # The admin: dense tables and histories.
    "short_day": "j M",  # 6 Dec
    "short_moment": "j M Y, H:i",  # 6 Dec 2026, 14:32
    "short_weekday_day": "D j M Y",  # Sun 6 Dec 2026
    "weekday_moment": "D j M Y, H:i",  # Sun 6 Dec 2026, 14:32
    "weekday_moment_seconds": "D j M Y, H:i:s",  # Sun 6 Dec 2026, 14:32:05
    # Records' names, CSV exports, command output: sortable, no words.
    "stamp": "Y-m-d H:i",  # 2026-12-06 14:32
    "iso_day": "Y-m-d",  # 2026-12-06
    "file_stamp": "Y-m-d-Hi",  # 2026-12-06-1432, in file names
}


# The characters of a Django date format that read only the day (no time, no
# zone): a style of these alone writes every moment of a day the same way.
DAY_CHARACTERS = frozenset("dDjlLmMnNFyYwzWtSEo")
DAY_STYLES = frozenset(
    style
    for style, fmt in STYLES.items()
    if "\\" not in fmt and all(c in DAY_CHARACTERS for c in fmt if c.isalpha())
)
# The styles that write a day (of day characters alone) then the time as
# "H:i", or the time alone.
MINUTE_STYLES = frozenset(
    style
    for style, fmt in STYLES.items()
    if fmt.endswith("H:i")
    and "\\" not in fmt
    and all(c in DAY_CHARACTERS for c in fmt[:-3] if c.isalpha())
)


def local(value, zone=None):
    """
    An aware datetime in the paper's time zone (the current one, or `zone`,
    read already); dates and naive times as they are.
    """
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        # timezone.localtime() without its checks, made here already: every
        # card writes its date twice.
        return value.astimezone(zone or timezone.get_current_timezone())
    return value


def written(value, style, zone=None, language=None):
    """
    `value` (a datetime, date or time) written in the named `style`; "" for
    None. An unknown style is a programming error and raises KeyError.
    `zone` and `language`, when given, are the current time zone and
    language, read already (each read of them costs a microsecond or two:
    a list of cards reads them once).
    """
    fmt = STYLES[style]
    if value is None or value == "":
        return ""
    value = local(value, zone)
    if style in DAY_STYLES and isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return written_day(day, fmt, language or get_language())
    if style in MINUTE_STYLES and isinstance(value, datetime.datetime):
        # The day as written_day keeps it, the hour and minute as H:i writes
        # them: an article's dates and a live page's entries write a moment
        # each, and a date format costs several times this.
        day = (
            written_day(value.date(), fmt[:-3], language or get_language())
            if fmt != "H:i"
            else ""
        )
        return f"{day}{value.hour:02d}:{value.minute:02d}"
    return date_format(value, fmt)


@functools.lru_cache(maxsize=2048)
def written_day(day, fmt, language):
    """
    `day` written in `fmt` (day characters only) in `language`, the one
    active. Kept per process: a list page writes the same few days on every
    card, and a month's or weekday's name costs a translation each time.
    """
    return date_format(day, fmt)


def today(style):
    """
    Today's date in the paper's time zone, written in the named `style` (one
    of day characters only, such as "weekday_day"): what `{% now %}` writes
    with that style's format, kept per day like every written day.
    """
    return written(timezone.localdate(), style)


def with_zone(value, style="moment"):
    """A datetime written with the zone named, for staff who may be elsewhere."""
    return f"{written(value, style)} ({settings.TIME_ZONE})"


def iso(value, zone=None):
    """For a datetime="" attribute or a feed: local time, whole seconds, offset."""
    return local(value, zone).isoformat(timespec="seconds")


def written_when(value, now=None):
    """
    When `value` happened, as a reader says it at `now` (local time): “09:24”
    today, “Yesterday, 21:27”, “Thursday, 06:50” this past week, else the
    date, “12 November”.
    """
    moment = local(value)
    days = (local(now or timezone.now()).date() - moment.date()).days
    if days == 0:
        return written(moment, "time")
    if days == 1:
        return "Yesterday, " + written(moment, "time")
    if 1 < days < 7:
        return date_format(moment, "l, ") + written(moment, "time")
    return written(moment, "day_month")


def ahead(value, now=None):
    """
    A time to come, as the desk reads it at `now`: “Tue 14:00” within the
    coming week, “Wed 9 Dec 08:00” later this year, else “Tue 5 Jan 2027
    08:00”.
    """
    moment = local(value)
    today = local(now or timezone.now()).date()
    if (moment.date() - today).days < 7:
        return date_format(moment, "D H:i")
    if moment.year == today.year:
        return date_format(moment, "D j M H:i")
    return date_format(moment, "D j M Y H:i")


def staff_name(user):
    """
    A staff member as the paper names them to colleagues: full name, else
    username; "the system" for a change no one made (or whose account is
    gone).
    """
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()
