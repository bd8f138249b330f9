"""
Previews: an article before it is live, rendered exactly as readers will see
it (the public article page's view and template) with a banner saying it is
a preview. Editors open it from the admin; a ShareLink opens it for someone
without a login. No preview is ever cached anywhere or indexed.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from newsroom import formats

from .models import Article, ShareLink
from .views import ArticleDetailView

# What an editor may choose as a share link's lifetime.
SHARE_LINK_LIFETIMES = [
    (timedelta(hours=1), "1 hour"),
    (timedelta(days=1), "1 day"),
    (timedelta(days=3), "3 days"),
    (timedelta(days=7), "1 week"),
    (timedelta(days=30), "30 days"),
]


def never_stored(response):
    """No cache (browser, proxy, CDN) may keep it; search engines skip it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    if response.has_header("Expires"):
        del response["Expires"]
    return response


class ArticlePreviewView(ArticleDetailView):
    """
    One article, live or not, on the public article page. `article` and
    `banner` (the preview notice) are given by the caller.
    """

    # Never kept by newsroom.cache.pages.PageCacheMiddleware.
    server_cached = False
    article = None
    banner = ""

    def get(self, request, *args, **kwargs):
        self.object = (
            Article.objects.for_article_page().with_coverage().get(pk=self.article.pk)
        )
        if self.object.published_at is None:
            # Shown as if it went live now; never saved.
            self.object.published_at = timezone.now()
        return self.render_to_response(self.get_context_data(object=self.object))

    def dispatch(self, request, *args, **kwargs):
        return never_stored(super().dispatch(request, *args, **kwargs))

    def fragment_seconds(self, version):
        """A preview's fragments are neither read nor kept."""
        return 0

    def get_context_data(self, **kwargs):
        context = super().get_context_data(preview=self.banner, **kwargs)
        context["canonical_url"] = settings.SITE_URL + self.object.get_absolute_url()
        return context


def preview_response(request, article):
    """The editor's preview of `article` (permissions checked by the caller)."""
    state = article.publication_state
    banner = (
        "Preview: this article is live; this is how readers see it."
        if state == "Live"
        else f"Preview: {state.lower()}, not on the site yet. Readers will see it "
        "like this once it is published."
    )
    return ArticlePreviewView.as_view(article=article, banner=banner)(request)


def shared_article(request, signed):
    """
    The article a share link opens, for anyone who has the link, while it
    is neither expired nor revoked; 404 for an unknown address, 410 (with a
    page saying so) for a link that no longer works.
    """
    link = ShareLink.objects.select_related("article").at_address(signed)
    if link is None:
        return never_stored(
            render(request, "articles/share_link_invalid.html", status=404)
        )
    if not link.is_active():
        return never_stored(
            render(
                request,
                "articles/share_link_invalid.html",
                {"link": link},
                status=410,
            )
        )
    banner = (
        f"Preview shared with you before publication. Please do not pass it on. "
        f"This link works until {formats.with_zone(link.expires_at)}."
    )
    return ArticlePreviewView.as_view(article=link.article, banner=banner)(request)
