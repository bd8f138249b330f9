"""The desk's planning calendar, a page of the article admin."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from .. import calendar


def calendar_view(model_admin, request):
    """
    Day by day for a week (?week=YYYY-MM-DD, any day of it; this week by
    default): planned stories, publications and newsletter editions. At
    articles/article/calendar/ (ArticleAdmin.get_urls).
    """
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    chosen = request.GET.get("week")
    try:
        day = date.fromisoformat(chosen) if chosen else today
    except ValueError:
        messages.error(
            request,
            f"“{chosen}” is not a date such as {today.isoformat()}; here is this week.",
        )
        day = today
    monday = calendar.week_start(day)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Planning: week of {monday:%-d %B %Y}",
        "days": calendar.calendar_week(monday, today),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "this_week": calendar.week_start(today),
        "monday": monday,
    }
    return TemplateResponse(request, "admin/articles/article/calendar.html", context)
