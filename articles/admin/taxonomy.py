"""Authors and sections in the admin."""

from django.contrib import admin
from django.db.models import Count

from ..models import Author, Section
from .images import thumbnail_html


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
