from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter
from django.views.decorators.cache import cache_control

from . import feeds, preview, views
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "articles"


class TagSlugConverter:
    """
    A tag's slug: any text but a slash or a NUL byte (tags may have
    non-ASCII slugs; PostgreSQL text cannot hold NUL, so such a path is a
    404 rather than a database error).
    """

    regex = "[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tag")


class PagePathConverter:
    """
    A static page's address: one or more segments, each ending with a
    slash, without a NUL byte; given to the view with its leading slash
    ("/about/team/"), as pages keep it.
    """

    regex = "(?:[^/\x00]+/)+"

    def to_python(self, value):
        return f"/{value}"

    def to_url(self, value):
        return value.lstrip("/")


register_converter(PagePathConverter, "page")

# Feeds, sitemaps and robots.txt are the same for everyone; caches may keep them.
shared = cache_control(public=True, max_age=300)


def feed_paths(prefix, name, rss, atom):
    return [
        path(f"{prefix}rss/", shared(rss()), name=name),
        path(f"{prefix}atom/", shared(atom()), name=f"{name}-atom"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    *feed_paths(
        "feeds/", "feed", feeds.LatestArticlesFeed, feeds.LatestArticlesAtomFeed
    ),
    *feed_paths(
        "feeds/authors/<slug:slug>/",
        "author-feed",
        feeds.AuthorFeed,
        feeds.AuthorAtomFeed,
    ),
    *feed_paths("feeds/tags/<tag:slug>/", "tag-feed", feeds.TagFeed, feeds.TagAtomFeed),
    *feed_paths(
        "feeds/<slug:slug>/",
        "section-feed",
        feeds.SectionFeed,
        feeds.SectionAtomFeed,
    ),
    path("robots.txt", shared(views.robots_txt), name="robots"),
    path("sitemap.xml", shared(views.sitemap_index), name="sitemap"),
    path(
        "sitemap-news.xml",
        shared(sitemap),
        {
            "sitemaps": NEWS_SITEMAPS,
            "section": "news",
            "template_name": "articles/sitemap_news.xml",
        },
        name="sitemap-news",
    ),
    path(
        "sitemap-<slug:section>.xml",
        shared(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("preview/<str:signed>/", preview.shared_article, name="shared"),
    path(
        "live/<int:pk>/updates/",
        views.LiveUpdatesView.as_view(),
        name="live-updates",
    ),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("tags/<tag:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path(
        "<slug:section_slug>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
    # Last: any address no pattern above names may be a static page's
    # (articles/views.py says how pages, sections and redirects share them).
    path("<page:path>", views.PageView.as_view(), name="page"),
]
