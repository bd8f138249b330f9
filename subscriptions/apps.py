from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        from articles import calendar
        from articles.signals import demo_paper_loading

        from . import demo, editions, monitoring

        demo_paper_loading.connect(demo.load_demo_content, dispatch_uid="subscriptions")
        # The planning calendar shows when each newsletter goes out.
        calendar.calendar_source(editions.calendar_entries)
        # /metrics reports the outbox and the worker.
        monitoring.report()
