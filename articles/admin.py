"""The editors' admin: articles with their bylines, authors, sections, images."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.views.decorators.csp import csp_override

from newsroom.admin_inlines import LabelledTabularInline

from .editing_admin import (
    PreviewAdminMixin,
    RevisionsAdminMixin,
    SaveConflictAdminMixin,
)
from .forms import ArticleAdminForm, BylineForm, ImageForm, TagSuggestionsWidget
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    Section,
)
from .planning_admin import PlanningAdminMixin
from .workflow_admin import WorkflowAdminMixin

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


def thumbnail_html(image):
    """An <img> of the narrowest JPEG rendition of `image`, or "—"."""
    rendition = image.thumbnail_rendition if image else None
    if rendition is None:
        return "—"
    return format_html(
        '<img class="newsroom-thumbnail" src="{}" width="{}" height="{}" alt="{}">',
        rendition.file.url,
        rendition.width,
        rendition.height,
        image.alt_text,
    )


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
class ArticleAdmin(
    PlanningAdminMixin,
    WorkflowAdminMixin,
    SaveConflictAdminMixin,
    PreviewAdminMixin,
    RevisionsAdminMixin,
    admin.ModelAdmin,
):
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
    # The byline inline follows the first fieldset, beside the headline
    # (templates/admin/articles/article/change_form.html).
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst"]}),
        ("Story", {"fields": ["body", "section", "kind", "tags"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "new_lead_image",
                    "new_lead_image_alt_text",
                    "new_lead_image_credit",
                    "lead_image_caption",
                ]
            },
        ),
        (
            "Planning",
            {
                "fields": ["planned_for"],
                "description": "Plan a story for a day before it is written: a "
                "draft with a day shows on the planning calendar.",
            },
        ),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Published with a time in the future: scheduled, "
                f"it goes live by itself at that time ({settings.TIME_ZONE}).",
            },
        ),
        (
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
        ),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/word-count.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagSuggestionsWidget(model=Article)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=ArticleAuthor.objects.select_related("author"),
                )
            )
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    @admin.display(description="picture")
    def thumbnail(self, article):
        return thumbnail_html(article.lead_image)

    @admin.display(description="byline")
    def byline(self, article):
        return ", ".join(byline.author.name for byline in article.ordered_bylines())

    def changeform_view(self, request, *args, **kwargs):
        view = csp_override(editor_csp())(super().changeform_view)
        return view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        form.attach_new_lead_image(request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.renumber_bylines()


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "thumbnail", "article_count"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]
    raw_id_fields = ["user"]
    fields = ["name", "slug", "role", "bio", "photo", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("photo")
            .prefetch_related("photo__renditions")
            .annotate(article_total=Count("bylines", distinct=True))
        )

    @admin.display(description="photo")
    def thumbnail(self, author):
        return thumbnail_html(author.photo)

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, author):
        return author.article_total


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "position"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    # The top Save button comes first in the form, so pressing Enter in a
    # field saves rather than "clicking" the focal point picker at 0, 0.
    save_on_top = True
    list_display = ["thumbnail", "alt_text", "caption", "credit", "dimensions"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = [
        "preview",
        "focal_point_picker",
        "dimensions",
        "uploaded_by",
        "created_at",
        "renditions_made",
    ]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt_text", "caption", "credit"]}),
        ("Rights", {"fields": ["licence", "source", "rights_expire_on"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", "focal_point_x", "focal_point_y"],
                "description": "Click the most important part of the picture: "
                "the cards' 3:2 crop and the 1200 × 630 sharing image are cut "
                "around it when the picture is saved.",
            },
        ),
        (
            "Details",
            {
                "fields": [
                    "dimensions",
                    "uploaded_by",
                    "created_at",
                ]
            },
        ),
        (
            "Renditions",
            {
                "fields": ["renditions_made"],
                "description": "Made from the picture when it is saved; "
                "upload a new picture to make them again.",
            },
        ),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="picture")
    def thumbnail(self, image):
        return thumbnail_html(image)

    @admin.display(description="preview")
    def preview(self, image):
        return thumbnail_html(image) if image.pk else "—"

    @admin.display(description="picture")
    def focal_point_picker(self, image):
        shown = image.fallback_rendition if image.pk else None
        if shown is None:
            return "Save the picture first; then click it to set its focal point."
        crops = [
            (shape, shaped.fallback_rendition)
            for shape in ("card", "share")
            if (shaped := image.in_shape(shape)) is not image
        ]
        return format_html(
            '<input type="image" name="{}" src="{}" width="{}" height="{}" '
            'class="focal-point-picker" alt="{}">'
            '<p class="help">Now {}% from the left, {}% from the top.</p>'
            '<div class="focal-point-crops">{}</div>',
            ImageForm.FOCAL_POINT_PICKER,
            shown.file.url,
            shown.width,
            shown.height,
            f"Set the focal point of: {image.alt_text}",
            round(image.focal_point_x * 100),
            round(image.focal_point_y * 100),
            format_html_join(
                "",
                '<img src="{}" width="{}" height="{}" alt="{} crop">',
                (
                    (r.file.url, r.width, r.height, shape.capitalize())
                    for shape, r in crops
                ),
            ),
        )

    @admin.display(description="renditions")
    def renditions_made(self, image):
        renditions = (
            sorted(image.renditions.all(), key=lambda r: (r.shape, r.format, r.width))
            if image.pk
            else []
        )
        if not renditions:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}{} {} × {}: <a href="{}">{}</a></li>',
                (
                    (
                        f"{r.shape.capitalize()} " if r.shape else "",
                        r.get_format_display(),
                        r.width,
                        r.height,
                        r.file.url,
                        r.file.name,
                    )
                    for r in renditions
                ),
            ),
        )

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        # A click on the picture sets the focal point: stay on the picture.
        if f"{ImageForm.FOCAL_POINT_PICKER}.x" in request.POST:
            self.message_user(
                request,
                f"Focal point set; the crops were cut again around it "
                f"({round(obj.focal_point_x * 100)}% from the left, "
                f"{round(obj.focal_point_y * 100)}% from the top).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


# The front page's slots have an admin module of their own.
from .front_page_admin import FrontPageSlotAdmin  # noqa: E402,F401
