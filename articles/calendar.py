"""
The desk's planning calendar: what is planned, going live or going out, day
by day for a week.

Each app contributes its entries through a source registered from its
AppConfig.ready() with `calendar_source()`: this app its planned and
scheduled articles, the subscriptions app its newsletters' edition times
(this app never imports that one). A source is called once per calendar
page with the week's bounds, so it must answer in a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Article


@dataclass(frozen=True)
class Entry:
    """
    One line of the calendar. `day` is the day it belongs to (in the
    newsroom's time zone); `at` its time, or None for a whole-day entry such
    as a story planned for that day.
    """

    day: date
    kind: str
    title: str
    at: datetime | None = None
    detail: str = ""
    url: str = ""


_sources = []


def calendar_source(source):
    """
    Register `source(start, end)`, which returns the calendar Entries between
    two aware datetimes (start included, end excluded). Returns `source`, so
    it may be used as a decorator.
    """
    if source not in _sources:
        _sources.append(source)
    return source


def week_start(day):
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


@dataclass
class CalendarDay:
    day: date
    entries: list
    is_today: bool


def calendar_week(monday, today=None):
    """
    The seven days from `monday`, each with its entries from every
    registered source: whole-day entries first, then by time.
    """
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    end = timezone.make_aware(
        datetime.combine(monday + timedelta(days=7), datetime.min.time())
    )
    entries = [entry for source in _sources for entry in source(start, end)]
    entries.sort(key=lambda e: (e.at is not None, e.at or start, e.title))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        days.append(
            CalendarDay(
                day=day,
                entries=[e for e in entries if e.day == day],
                is_today=day == today,
            )
        )
    return days


def article_entries(start, end):
    """
    Stories planned for a day of the week that are not yet published, and
    articles going (or gone) live during it. One query.
    """
    published = Article.Status.PUBLISHED
    articles = (
        Article.objects.filter(
            Q(planned_for__gte=start.date(), planned_for__lt=end.date())
            & ~Q(status=published)
            | Q(status=published, published_at__gte=start, published_at__lt=end)
        )
        .select_related("section")
        .only("title", "status", "planned_for", "published_at", "section__name")
    )
    now = timezone.now()
    entries = []
    for article in articles:
        url = reverse("admin:articles_article_change", args=[article.pk])
        if article.status == published:
            at = timezone.localtime(article.published_at)
            kind = "scheduled" if article.published_at > now else "live"
            entries.append(
                Entry(
                    day=at.date(),
                    kind=kind,
                    title=article.title,
                    at=at,
                    detail=article.section.name,
                    url=url,
                )
            )
        else:
            entries.append(
                Entry(
                    day=article.planned_for,
                    kind="planned",
                    title=article.title,
                    detail=f"{article.section.name} · {article.get_status_display()}",
                    url=url,
                )
            )
    return entries
