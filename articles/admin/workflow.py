"""
The workflow on the article's change form and list: the form checked
against the workflow when it is cleaned, the desk's list filter and the
state column. ArticleAdmin (articles/admin/articles.py) uses them; the rules
themselves are in articles/workflow.py.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html

from .. import workflow
from ..models import Article

Status = Article.Status

# Fields the change form gains for the workflow (not model fields).
WORKFLOW_FIELDS = ["go_live_now", "review_note"]


class WorkflowFormMixin:
    """
    The article form, checked against the workflow when it is cleaned (so a
    refused change is reported on the form and nothing is saved): a status
    or publication time the user may not set, a publication time that has
    passed, and, when the article would go live, the publish checks.
    """

    workflow_user = None
    # (status, published_at) as stored, or None for a new article.
    workflow_before = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" not in self.fields:
            return  # read only
        user = self.workflow_user
        publisher = user.has_perm(workflow.PUBLISH)
        if not publisher:
            # The choices offered; a crafted post of another is still
            # cleaned, and refused with a message, in _post_clean.
            current = self.instance.status
            self.fields["status"].widget.choices = [
                (value, label)
                for value, label in Status.choices
                if value in (Status.DRAFT, Status.REVIEW, current)
            ]
        if "published_at" in self.fields:
            field = self.fields["published_at"]
            field.label = f"Publication time ({settings.TIME_ZONE})"
            if publisher:
                field.help_text = (
                    f"In the newsroom's time zone, {settings.TIME_ZONE}. A time to "
                    "come schedules the article; it goes live by itself then."
                )
            else:
                field.help_text = "Set by an editor when the article is approved."
                for widget in field.widget.widgets:
                    widget.attrs["readonly"] = True
        if publisher:
            self.fields["go_live_now"] = forms.BooleanField(
                label="Publish now",
                required=False,
                help_text="Go live as soon as you save, whatever the status and "
                "time above say (a time that has passed is replaced by now).",
            )
        self.fields["review_note"] = forms.CharField(
            label="Note",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            help_text="Kept in the article's history with a change of status. "
            "Sending a piece back to draft needs one: say what to change.",
        )

    def _post_clean(self):
        super()._post_clean()
        if "status" not in self.fields:
            return
        article, before = self.instance, self.workflow_before
        user = self.workflow_user
        for field, message in workflow.form_problems(
            user,
            before,
            article,
            publish_now=self.cleaned_data.get("go_live_now", False),
        ):
            self.add_error(field if field in self.fields else None, message)
        before_status = before[0] if before else ""
        if (
            before_status == Status.REVIEW
            and article.status == Status.DRAFT
            and not workflow.owns(user, article)
            and not self.cleaned_data.get("review_note", "").strip()
        ):
            self.add_error(
                "review_note",
                "Say what to change: the note goes back to the writer with the draft.",
            )
        if workflow.going_live(before, article) and not self.has_error("status"):
            problems = workflow.publish_problems(article, self.byline_count())
            if problems:
                self.publish_problems = problems
                self.add_error(None, problems)

    publish_problems = ()

    def byline_count(self):
        """The names the byline rows posted with this form keep."""
        prefix = "bylines"
        try:
            total = int(self.data.get(f"{prefix}-TOTAL_FORMS", 0))
        except ValueError:
            return 0
        return sum(
            1
            for index in range(min(total, 1000))
            if self.data.get(f"{prefix}-{index}-author")
            and not self.data.get(f"{prefix}-{index}-DELETE")
        )


class DeskFilter(admin.SimpleListFilter):
    """
    The desk's lists: my drafts, awaiting review, going live soon, lapsed
    pictures, copy from news agencies.
    """

    title = "desk"
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My drafts"),
            ("review", "Awaiting review"),
            ("next24", "Going live in the next 24 hours"),
            ("rights", "Live with a picture whose rights expired"),
            ("agency", "From agencies"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "mine":
                return queryset.owned_by(request.user).filter(status=Status.DRAFT)
            case "review":
                return queryset.awaiting_review()
            case "next24":
                return queryset.going_live_within(timedelta(hours=24))
            case "rights":
                return queryset.published().with_lapsed_picture()
            case "agency":
                return queryset.from_agencies()
        return queryset


def format_state(state, label):
    return format_html(
        '<span class="publication-state publication-state-{}">{}</span>',
        state.lower().replace(" ", "-"),
        label,
    )
