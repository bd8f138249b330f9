from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from newsroom import cache

        from . import calendar, images
        from .models import Article

        # What readers see of this app. Receivers rather than save()
        # overrides: they also fire for deletes by queryset and by cascade,
        # and for taggit's tag changes (which save and delete TaggedArticle
        # rows behind the article's back). Bulk writes go through
        # ReaderVisibleQuerySet.
        cache.page_cache_watch(
            "articles.Article",
            "articles.ArticleAuthor",
            "articles.Author",
            "articles.Correction",
            "articles.Image",
            "articles.Rendition",
            "articles.Section",
            "articles.TaggedArticle",
            "taggit.Tag",
            "articles.FrontPageSlot",
            "articles.FrontPagePin",
            through=["articles.TaggedArticle"],
        )
        # A scheduled article goes live by itself, with no save; a picture
        # whose rights end leaves the pages by itself too.
        cache.page_cache_schedule(Article.objects.next_change)

        # The planning calendar's stories and publications.
        calendar.calendar_source(calendar.article_entries)

        # Pillow refuses decompression bombs from the first image it opens.
        images.apply_pixel_limit()
