"""Pages a ModelAdmin adds of its own beside its changelist and forms."""

from functools import partial

from django.urls import path
from django.views.decorators.http import require_POST


def admin_page(model_admin, route, view, suffix, post_only=False):
    """
    A URL pattern for `view(model_admin, request, …)` under `model_admin`,
    behind the admin site's staff check and CSRF protection, named
    "<app label>_<model name>_<suffix>" like the admin's own pages.
    """
    view = partial(view, model_admin)
    if post_only:
        view = require_POST(view)
    opts = model_admin.opts
    return path(
        route,
        model_admin.admin_site.admin_view(view),
        name=f"{opts.app_label}_{opts.model_name}_{suffix}",
    )
