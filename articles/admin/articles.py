"""
Articles in the admin: the list, the change form with its bylines and
corrections, and every page of an article's own. One ArticleAdmin holds it
all; the longer parts live beside it: the workflow's form, filter and state
column (`workflow`), the revisions pages and the save-conflict check
(`revisions`), previews and share links (`preview`) and the planning
calendar (`planning`). The workflow's rules are in articles/workflow.py.
"""

from functools import partial

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.csp import csp_override

from newsroom.admin_inlines import LabelledTabularInline

from .. import revisions, workflow
from ..forms import ArticleAdminForm, BylineForm, TagSuggestionsWidget
from ..models import (
    Article,
    ArticleAuthor,
    ArticleDraft,
    ArticleOpening,
    Author,
    Correction,
)
from . import drafts, insert, live, planning, preview
from .images import thumbnail_html
from .pages import admin_page
from .revisions import (
    SaveConflictFormMixin,
    byline_left_alone,
    revision_compare_view,
    revision_restore_view,
    revisions_view,
)
from .workflow import (
    ADVANCED_FIELDSET,
    DeskFilter,
    WorkflowAdminMixin,
    format_state,
)

# The body editor (Tiptap inside django-prose-editor 0.28) injects its base
# stylesheet as an inline <style> without a nonce. On the article forms only,
# the policy lets exactly that stylesheet through by its hash;
# tests/articles/test_admin.py checks the hash against the installed editor.
EDITOR_BASE_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


def editor_csp():
    """The site's CSP plus the body editor's base stylesheet."""
    policy = dict(settings.SECURE_CSP)
    policy["style-src"] = [*policy.get("style-src", ["'self'"]), EDITOR_BASE_STYLE_HASH]
    return policy


class ArticlePartInline:
    """
    Bylines and corrections are parts of an article: whoever may add or
    change the article may edit them, with no permissions of their own.
    """

    def _article_permission(self, request, obj):
        if request.user.has_perm("articles.change_article"):
            return True
        return obj is None and request.user.has_perm("articles.add_article")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(
            "articles.view_article"
        ) or self._article_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._article_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._article_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._article_permission(request, obj)


class BylineInline(ArticlePartInline, LabelledTabularInline):
    model = ArticleAuthor
    classes = ["collapse"]
    form = BylineForm
    fields = ["author", "role", "position"]
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "byline (in order: lowest position first)"


class CorrectionInline(ArticlePartInline, admin.StackedInline):
    model = Correction
    fields = ["text", "corrected_at"]
    extra = 0


class ArticleChangeList(ChangeList):
    """The article list, with each row's thumbnail fetched in one query."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.prefetch_related("lead_image__renditions")


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # The time beside the headline, so that it stays in view at 1280 pixels
    # with the admin's menu and the filters open.
    list_display = [
        "thumbnail",
        "title",
        "published_at",
        "section",
        "kind",
        "byline",
        "state",
    ]
    list_filter = [
        "status",
        "live_state",
        "section",
        "kind",
        ("authors", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    list_display_links = ["thumbnail", "title"]
    list_select_related = ["section", "lead_image"]
    date_hierarchy = "published_at"
    search_fields = ["title", "standfirst", "authors__name"]
    autocomplete_fields = ["section", "lead_image"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [BylineInline, CorrectionInline]
    # Writing first: the first fieldset is the wide main column (headline,
    # standfirst, body); the others, with the byline inline after "Story",
    # make the side column at 1280 pixels and more, and below that follow
    # the writing as collapsible groups, open where they hold an error
    # (templates/admin/articles/article/change_form.html, admin.css,
    # editor-layout.js).
    fieldsets = [
        (None, {"fields": ["title", "standfirst", "body"]}),
        (
            "Story",
            {
                "classes": ["collapse"],
                "fields": ["section", "kind", "live_state", "tags", "slug"],
            },
        ),
        (
            "Lead image",
            {
                "classes": ["collapse"],
                "fields": [
                    "lead_image",
                    "new_lead_image",
                    "new_lead_image_alt_text",
                    "new_lead_image_credit",
                    "lead_image_caption",
                    "share_image",
                ],
            },
        ),
        (
            "Planning",
            {
                "classes": ["collapse"],
                "fields": ["planned_for"],
                "description": "Plan a story for a day before it is written: a "
                "draft with a day shows on the planning calendar.",
            },
        ),
        (
            "Publishing",
            {
                "classes": ["collapse"],
                "fields": ["status", "published_at"],
                "description": "Published with a time in the future: scheduled, "
                f"it goes live by itself at that time ({settings.TIME_ZONE}).",
            },
        ),
        ADVANCED_FIELDSET,
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = [
            "articles/word-count.js",
            "articles/drafts.js",
            "articles/editor-layout.js",
        ]

    # Whose articles: the workflow decides who sees and changes which.

    def get_queryset(self, request):
        articles = workflow.visible_to(request.user, super().get_queryset(request))
        return articles.prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )

    def get_ordering(self, request):
        """A user linked to an Author sees their own bylines first."""
        ordering = list(super().get_ordering(request) or Article._meta.ordering)
        bylined = ArticleAuthor.objects.filter(author__user=request.user.pk)
        mine = Case(
            When(pk__in=bylined.values("article"), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [mine.asc(), *ordering]

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

    # The change form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagSuggestionsWidget(model=Article)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def workflow_form_extras(self, request, obj):
        """
        The article form is checked against the workflow (WorkflowAdminMixin)
        and, for an article already saved, refuses a save that would
        overwrite someone else's (SaveConflictFormMixin): the change form
        carries an editing token for that.
        """
        if obj is None:
            return (), {}
        token = revisions.editing_token(obj) if request.method == "GET" else ""
        return (SaveConflictFormMixin,), {"issued_token": token}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new article's byline starts with the writer's own name."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and obj.pk is None and inline.model is ArticleAuthor:
            author = Author.objects.filter(user=request.user.pk).first()
            if author is not None:
                kwargs["initial"] = [{"author": author.pk}]
        return kwargs

    def get_object(self, request, object_id, from_field=None):
        """The article; with `?restore_draft`, the user's draft filled in."""
        article = super().get_object(request, object_id, from_field)
        if article is not None:
            for name, value in drafts.restored(request, article, request.user).items():
                setattr(article, name, value)
        return article

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("restore_draft", None)
        return {**initial, **drafts.restored(request, None, request.user)}

    def changeform_view(self, request, *args, **kwargs):
        view = csp_override(editor_csp())(super().changeform_view)
        return view(request, *args, **kwargs)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        """
        An article's form also shows its steps through the workflow (the
        review panel), who else opened it in the last few minutes, and a
        draft of the user's newer than its last save, to restore.
        """
        args = [obj.pk] if obj is not None and obj.pk else []
        suffix = "" if args else "_new"
        context["draft_save_url"] = reverse(
            f"admin:{self.url_name('draft' + suffix)}", args=args
        )
        if "restore_draft" not in request.GET:
            context["draft"] = ArticleDraft.objects.to_offer(obj, request.user)
            context["draft_discard_url"] = reverse(
                f"admin:{self.url_name('draft_discard' + suffix)}", args=args
            )
        if obj is not None and obj.pk:
            context["transitions"] = list(obj.transitions.select_related("created_by"))
            last = context["transitions"][0] if context["transitions"] else None
            context["sent_back"] = last if last and last.is_send_back else None
            context["can_publish"] = workflow.can_publish(request.user, obj)
            ArticleOpening.objects.record(obj, request.user)
            context["also_open"] = list(
                ArticleOpening.objects.others_recently(obj, request.user)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Save, then record the workflow step the save took, if any."""
        if not change:
            obj.created_by = request.user
        form.attach_new_lead_image(request.user)
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

    def save_formset(self, request, form, formset, change):
        if formset.model is ArticleAuthor and byline_left_alone(form, formset):
            # Someone else's byline stands (see SaveConflictFormMixin).
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.renumber_bylines()
        # Saved for real: the draft kept while typing has served its turn.
        ArticleDraft.objects.of(
            None if not change else form.instance, request.user
        ).delete()

    # Every save through the form is kept as a revision, in the transaction
    # the admin saves in, after the byline and tags.

    def log_addition(self, request, obj, message):
        revisions.record(obj, request.user, getattr(obj, "_revision_comment", ""))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        revisions.record(obj, request.user, getattr(obj, "_revision_comment", ""))
        return super().log_change(request, obj, message)

    # The list

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_list_filter(self, request):
        return [DeskFilter, *super().get_list_filter(request)]

    @admin.display(description="picture")
    def thumbnail(self, article):
        return thumbnail_html(article.lead_image)

    @admin.display(description="byline")
    def byline(self, article):
        return ", ".join(byline.author.name for byline in article.ordered_bylines())

    @admin.display(description="on the site", ordering="status")
    def state(self, article):
        label = article.state_label()
        flag = ""
        image = article.lead_image
        if image is not None and image.rights_expired() and article.is_published():
            flag = " — picture rights expired"
        state = format_state(article.publication_state, label + flag)
        if not article.live_state:
            return state
        # Which articles are live coverage, and whose coverage goes on.
        return format_html(
            '{} <span class="live-state live-state-{}">{}</span>',
            state,
            article.live_state,
            "Live coverage" if article.is_live_now else "Live coverage ended",
        )

    # Pages of the admin's own: the planning calendar, and each article's
    # pages beside its change form. Their views are functions of this admin
    # and the request, in the modules named.

    def get_urls(self):
        page = partial(admin_page, self)

        one = "<path:object_id>/"
        return [
            page("calendar/", planning.calendar_view, "calendar"),
            page("insert/articles/", insert.article_search_view, "insert_articles"),
            page("insert/embed/", insert.embed_check_view, "insert_embed"),
            page("add/draft/", drafts.draft_save_view, "draft_new", post_only=True),
            page(
                "add/draft/discard/",
                drafts.draft_discard_view,
                "draft_discard_new",
                post_only=True,
            ),
            page(f"{one}draft/", drafts.draft_save_view, "draft", post_only=True),
            page(
                f"{one}draft/discard/",
                drafts.draft_discard_view,
                "draft_discard",
                post_only=True,
            ),
            page(f"{one}revisions/", revisions_view, "revisions"),
            page(f"{one}revisions/compare/", revision_compare_view, "revision_compare"),
            page(
                f"{one}revisions/<int:revision_id>/restore/",
                revision_restore_view,
                "revision_restore",
                post_only=True,
            ),
            page(f"{one}preview/", preview.preview_view, "preview"),
            # The posting page has the body editor too.
            page(
                f"{one}live/",
                csp_override(editor_csp())(live.live_posting_view),
                "live",
            ),
            page(
                f"{one}live/<int:entry_id>/",
                live.live_entry_action_view,
                "live_entry",
                post_only=True,
            ),
            page(f"{one}share/", preview.share_links_view, "share_links"),
            page(
                f"{one}share/<int:link_id>/revoke/",
                preview.share_link_revoke_view,
                "share_link_revoke",
                post_only=True,
            ),
            *super().get_urls(),
        ]

    def url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def article_or_404(self, request, object_id, change=False):
        """The article of an article's page, if the user may see (or change) it."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def page_context(self, request, article, title):
        """What every page of an article's own shows around its content."""
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "has_change_permission": self.has_change_permission(request, article),
        }
