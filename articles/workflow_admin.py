"""
The workflow in the article admin: who sees and changes which articles, the
change form's status and publication time checked on the server, the list
actions, the desk's list filters and the review panel. The rules themselves
are in articles/workflow.py.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html

from . import workflow
from .models import Article, ArticleAuthor, Author

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
        user = self.workflow_user
        publisher = user.has_perm(workflow.PUBLISH)
        if "status" in self.fields and not publisher:
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


class WorkflowAdminMixin:
    """For ArticleAdmin: the workflow's permissions, form, actions and filters."""

    actions = ["submit_for_review", "publish_now", "unpublish"]

    # Whose articles

    def get_queryset(self, request):
        return workflow.visible_to(request.user, super().get_queryset(request))

    def get_ordering(self, request):
        """A user linked to an Author sees their own bylines first."""
        ordering = list(super().get_ordering(request) or Article._meta.ordering)
        author = (
            Author.objects.filter(user=request.user.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if author is None:
            return ordering
        mine = Case(
            When(
                pk__in=ArticleAuthor.objects.filter(author=author).values("article"),
                then=Value(0),
            ),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [mine.asc(), *ordering]

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

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        refused = [
            obj
            for obj in objs
            if isinstance(obj, Article) and not workflow.can_delete(request.user, obj)
        ]
        if refused:
            perms_needed = {
                *perms_needed,
                "articles that are live or not yours: "
                + ", ".join(f"“{article}”" for article in refused),
            }
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def has_unpublish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH) or request.user.has_perm(
            workflow.UNPUBLISH
        )

    # The form

    def get_list_filter(self, request):
        return [DeskFilter, *super().get_list_filter(request)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
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
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The workflow's own fields are added by WorkflowFormMixin.
        kwargs["fields"] = [f for f in fields if f not in WORKFLOW_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        before = (obj.status, obj.published_at) if obj is not None else None
        return type(
            form.__name__,
            (WorkflowFormMixin, form),
            {"workflow_user": request.user, "workflow_before": before},
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new article's byline starts with the writer's own name."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and obj.pk is None and inline.model is ArticleAuthor:
            author = Author.objects.filter(user=request.user.pk).first()
            if author is not None:
                kwargs["initial"] = [{"author": author.pk}]
        return kwargs

    def save_model(self, request, obj, form, change):
        before = form.workflow_before
        super().save_model(request, obj, form, change)
        note = form.cleaned_data.get("review_note", "")
        if workflow.going_live(before, obj) or (before or ("",))[0] != obj.status:
            step = workflow.record_step(
                obj, request.user, before[0] if before else "", note, revision=False
            )
            obj._revision_comment = step.describe()
        elif note:
            obj._revision_comment = note

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.pk:
            context["transitions"] = list(obj.transitions.select_related("created_by"))
            last = context["transitions"][0] if context["transitions"] else None
            context["sent_back"] = last if last and last.is_send_back else None
            context["can_publish"] = workflow.can_publish(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The list

    @admin.display(description="on the site", ordering="status")
    def state(self, article):
        label = article.state_label()
        flag = ""
        image = article.lead_image
        if image is not None and image.rights_expired() and article.is_published():
            flag = " — picture rights expired"
        return format_state(article.publication_state, label + flag)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._each_step(request, queryset, workflow.submit, "submitted for review")

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        """Make the selected articles live (see workflow.publish)."""
        self._each_step(request, queryset, workflow.publish, "published")

    @admin.action(description="Unpublish (back to draft)", permissions=["unpublish"])
    def unpublish(self, request, queryset):
        """Take the selected articles off the site (see workflow.unpublish)."""
        self._each_step(request, queryset, workflow.unpublish, "taken off the site")

    def _each_step(self, request, queryset, step, done):
        # One step (and one save) per article, each checked on its own.
        count = 0
        for article in queryset.order_by("pk"):
            try:
                step(article, request.user, via=" (list)")
            except workflow.WorkflowError as refusal:
                self.message_user(
                    request, f"“{article}” was not {done}: {refusal}", messages.ERROR
                )
            else:
                count += 1
        if count or not queryset.exists():
            self.message_user(
                request,
                f"{count} article{'s' if count != 1 else ''} {done}.",
                messages.SUCCESS,
            )


def format_state(state, label):
    return format_html(
        '<span class="publication-state publication-state-{}">{}</span>',
        state.lower().replace(" ", "-"),
        label,
    )
