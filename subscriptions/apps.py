from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        from articles import calendar
        from articles.signals import article_body_rendering, demo_paper_loading

        from . import demo, editions, monitoring
        from .templatetags import subscriptions

        demo_paper_loading.connect(demo.load_demo_content, dispatch_uid="subscriptions")
        # The newsletter offer under an article reads its newsletters before
        # the cards' statement goes out.
        article_body_rendering.connect(
            subscriptions.read_the_offered_newsletters, dispatch_uid="subscriptions"
        )
        # The planning calendar shows when each newsletter goes out.
        calendar.calendar_source(editions.calendar_entries)
        # /metrics reports the outbox and the worker.
        monitoring.report()
