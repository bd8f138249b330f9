from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from . import images, signals

        signals.connect()

        # Pillow refuses decompression bombs from the first image it opens.
        images.apply_pixel_limit()
