"""Root URLs: the admin, the reader subscriptions pages, then the paper."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import metrics, views

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

handler500 = "newsroom.views.server_error"

urlpatterns = [
    # Health checks: cheap, never cached, safe to poll every second.
    path("healthz/live", views.live, name="healthz-live"),
    path("healthz/ready", views.ready, name="healthz-ready"),
    # For the monitoring system: only to METRICS_TOKEN or METRICS_NETWORKS.
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The admin's sign-in, with its lockout (accounts), before the admin.
    path("admin/login/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Before the paper: its section pages catch every other first path segment.
    path("", include("subscriptions.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
