from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from newsroom import cache, metrics

        # A saved article's embeds and a saved picture's renditions are
        # queued for the worker (their receivers).
        from . import (  # noqa: F401
            calendar,
            embeds,
            images,
            renditions,
        )
        from .models import Image, navigation

        # What readers see of this app is watched because it is declared
        # ReaderVisible (newsroom.cache.readers). A scheduled article or
        # static page goes live by itself, with no save; a picture whose
        # rights end leaves the pages by itself too. The site frame reads
        # when, kept under the content version with the sections.
        cache.page_cache_schedule(navigation.next_change)

        # The planning calendar's stories and publications.
        calendar.calendar_source(calendar.article_entries)

        # Pillow refuses decompression bombs from the first image it opens.
        images.apply_pixel_limit()

        # /metrics: pictures whose renditions the worker has still to make.
        metrics.gauge(
            "renditions_waiting",
            "Pictures whose full set of renditions the worker has still to make.",
            Image.objects.filter(
                renditions_status=Image.RenditionsStatus.WAITING
            ).count,
        )
