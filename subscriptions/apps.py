from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        from articles import calendar
        from articles.models import navigation
        from articles.signals import demo_paper_loading

        from . import demo, editions, monitoring
        from .models import newsletters

        demo_paper_loading.connect(demo.load_demo_content, dispatch_uid="subscriptions")
        # The newsletters an article page offers are read with the site
        # frame, in its statement.
        navigation.frame_part(newsletters.ACTIVE_NEWSLETTERS, newsletters.active_sql)
        # The planning calendar shows when each newsletter goes out.
        calendar.calendar_source(editions.calendar_entries)
        # /metrics reports the outbox and the worker.
        monitoring.report()
