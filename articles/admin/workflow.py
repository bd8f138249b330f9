"""
The workflow on the change forms and lists of articles and static pages:
the form checked against the workflow when it is cleaned, the permissions,
list actions and fieldsets both admins share (WorkflowAdminMixin), the
desk's list filter and the state column. ArticleAdmin
(articles/admin/articles.py) and PageAdmin (articles/admin/static_pages.py)
use them; the rules themselves are in articles/workflow.py.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html

from .. import workflow
from ..models import Article

Status = Article.Status

# Fields the change form gains for the workflow (not model fields).
WORKFLOW_FIELDS = ["go_live_now", "review_note"]
# The collapsed group both change forms end with.
ADVANCED_FIELDSET = (
    "Advanced",
    {
        "classes": ["collapse"],
        "fields": [
            "seo_title",
            "seo_description",
            "created_by",
            "created_at",
            "updated_at",
        ],
    },
)


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
                    f"come schedules the {workflow.noun(self.instance)}; it goes "
                    "live by itself then."
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
            help_text=f"Kept in the {workflow.noun(self.instance)}'s history with "
            "a change of status. "
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
        """The names the byline rows posted with this form keep (an
        article's; None for a page, which has none)."""
        if not isinstance(self.instance, Article):
            return None
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


class WorkflowAdminMixin:
    """
    What the admins of articles and static pages share of the workflow: who
    may change and delete which (workflow.can_edit, can_delete), the
    Publish and Unpublish permissions the list actions ask for, the
    workflow's fields added beside the status, and the list actions, each
    one step taken on each chosen row.
    """

    actions = ["submit_for_review", "publish_now", "unpublish"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return workflow.can_delete(request.user, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def has_unpublish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH) or request.user.has_perm(
            workflow.UNPUBLISH
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return fieldsets  # read only: no step to take
        extra = [
            name
            for name in WORKFLOW_FIELDS
            if name != "go_live_now" or request.user.has_perm(workflow.PUBLISH)
        ]
        return [
            (name, {**options, "fields": [*options["fields"], *extra]})
            if "status" in options.get("fields", ())
            else (name, options)
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """
        The form, checked against the workflow (WorkflowFormMixin), with the
        mixins and class attributes of workflow_form_extras().
        """
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The workflow's own fields are added by WorkflowFormMixin.
        kwargs["fields"] = [f for f in fields if f not in WORKFLOW_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        before = None if obj is None else (obj.status, obj.published_at)
        mixins, attrs = self.workflow_form_extras(request, obj)
        return type(
            form.__name__,
            (WorkflowFormMixin, *mixins, form),
            {"workflow_user": request.user, "workflow_before": before, **attrs},
        )

    def workflow_form_extras(self, request, obj):
        """Other form mixins and class attributes, as ((mixin, …), {name: value})."""
        return (), {}

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._each_step(request, queryset, workflow.submit, "submitted for review")

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        """Make the selected rows live (see workflow.publish)."""
        self._each_step(request, queryset, workflow.publish, "published")

    @admin.action(description="Unpublish (back to draft)", permissions=["unpublish"])
    def unpublish(self, request, queryset):
        """Take the selected rows off the site (see workflow.unpublish)."""
        self._each_step(request, queryset, workflow.unpublish, "taken off the site")

    def _each_step(self, request, queryset, step, done):
        # One step (and one save) per row, each checked on its own.
        count = 0
        for obj in queryset.order_by("pk"):
            try:
                step(obj, request.user, via=" (list)")
            except workflow.WorkflowError as refusal:
                self.message_user(
                    request, f"“{obj}” was not {done}: {refusal}", messages.ERROR
                )
            else:
                self.workflow_step_taken(request, obj, done)
                count += 1
        if count or not queryset.exists():
            noun = (
                self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural
            )
            self.message_user(request, f"{count} {noun} {done}.", messages.SUCCESS)

    def workflow_step_taken(self, request, obj, done):
        """Called after a list action's step on `obj` (its history is kept)."""


class DeskFilter(admin.SimpleListFilter):
    """The desk's lists: my drafts, awaiting review, going live soon."""

    title = "desk"
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My drafts"),
            ("review", "Awaiting review"),
            ("next24", "Going live in the next 24 hours"),
            ("rights", "Live with a picture whose rights expired"),
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
        return queryset


def format_state(state, label):
    return format_html(
        '<span class="publication-state publication-state-{}">{}</span>',
        state.lower().replace(" ", "-"),
        label,
    )
