from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        from articles.signals import demo_paper_loading
        from newsroom import cache

        from . import demo

        # Article pages show a promo per active newsletter.
        cache.page_cache_watch("subscriptions.Newsletter")
        demo_paper_loading.connect(demo.load_demo_content, dispatch_uid="subscriptions")
