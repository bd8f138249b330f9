"""The editors' admin: articles with their bylines, authors, sections, images."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.html import format_html

from .forms import ImageForm
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    Rendition,
    Section,
)


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
        opts = Article._meta
        if request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return True
        return obj is None and request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        )

    def has_view_permission(self, request, obj=None):
        return self._article_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._article_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._article_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._article_permission(request, obj)


class BylineInline(ArticlePartInline, admin.TabularInline):
    model = ArticleAuthor
    fields = ["author", "role", "position"]
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "byline (in order: lowest position first)"


class CorrectionInline(ArticlePartInline, admin.StackedInline):
    model = Correction
    fields = ["text", "corrected_at"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "section",
        "kind",
        "byline",
        "status",
        "state",
        "published_at",
    ]
    list_filter = [
        "status",
        "section",
        "kind",
        ("authors", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    list_select_related = ["section"]
    date_hierarchy = "published_at"
    search_fields = ["title", "standfirst", "authors__name"]
    autocomplete_fields = ["section", "lead_image"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "standfirst",
                    "body",
                    "section",
                    "kind",
                    "tags",
                ]
            },
        ),
        ("Lead image", {"fields": ["lead_image", "lead_image_caption"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Published with a time in the future: scheduled, "
                "it goes live by itself at that time (Europe/Dublin).",
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

    @admin.display(description="byline")
    def byline(self, article):
        return ", ".join(byline.author.name for byline in article.ordered_bylines())

    @admin.display(description="on the site", ordering="status")
    def state(self, article):
        state = article.publication_state
        return format_html(
            '<span class="publication-state publication-state-{}">{}</span>',
            state.lower().replace(" ", "-"),
            state,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.renumber_bylines()

    @admin.action(description="Publish now", permissions=["change"])
    def publish_now(self, request, queryset):
        """Make the selected articles live (see Article.publish_now)."""
        self._each_article(request, queryset, Article.publish_now, "published")

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        """Take the selected articles off the site (see Article.unpublish)."""
        self._each_article(request, queryset, Article.unpublish, "taken off the site")

    def _each_article(self, request, queryset, change, done):
        # One save() per article, so sanitizing, redirects and every other
        # rule of Article.save() apply as they do for a single edit.
        with transaction.atomic():
            articles = list(queryset.select_for_update())
            for article in articles:
                change(article)
        count = len(articles)
        self.message_user(
            request,
            f"{count} article{'s' if count != 1 else ''} {done}.",
            messages.SUCCESS,
        )


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


class RenditionInline(admin.TabularInline):
    """The renditions made from the picture: shown, never edited by hand."""

    model = Rendition
    fields = ["format", "width", "height", "file"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_image") or request.user.has_perm(
            "articles.change_image"
        )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "dimensions"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created_at"]
    inlines = [RenditionInline]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt_text", "caption", "credit"]}),
        (
            "Details",
            {
                "fields": [
                    "dimensions",
                    "focal_point_x",
                    "focal_point_y",
                    "uploaded_by",
                    "created_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="picture")
    def thumbnail(self, image):
        return thumbnail_html(image)

    @admin.display(description="preview")
    def preview(self, image):
        return thumbnail_html(image) if image.pk else "—"

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
