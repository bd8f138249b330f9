"""The desk's planning calendar, a page of the article admin."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import calendar


class PlanningAdminMixin:
    """For ArticleAdmin: the week's calendar at articles/article/calendar/."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_calendar"
        view = self.admin_site.admin_view(self.calendar_view)
        return [path("calendar/", view, name=name), *super().get_urls()]

    def calendar_view(self, request):
        """
        Day by day for a week (?week=YYYY-MM-DD, any day of it; this week by
        default): planned stories, publications and newsletter editions.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        chosen = request.GET.get("week")
        try:
            day = date.fromisoformat(chosen) if chosen else today
        except ValueError:
            messages.error(
                request,
                f"“{chosen}” is not a date such as {today.isoformat()}; "
                "here is this week.",
            )
            day = today
        monday = calendar.week_start(day)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Planning: week of {monday:%-d %B %Y}",
            "days": calendar.calendar_week(monday, today),
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "this_week": calendar.week_start(today),
            "monday": monday,
        }
        return TemplateResponse(
            request, "admin/articles/article/calendar.html", context
        )
