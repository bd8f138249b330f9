from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_control

from . import feeds, preview, views
from .sitemaps import SITEMAPS

app_name = "articles"

# Feeds and the sitemap are the same for everyone; caches may keep them.
shared = cache_control(public=True, max_age=300)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", shared(feeds.LatestArticlesFeed()), name="feed"),
    path("feeds/atom/", shared(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path(
        "feeds/<slug:slug>/rss/",
        shared(feeds.SectionFeed()),
        name="section-feed",
    ),
    path(
        "feeds/<slug:slug>/atom/",
        shared(feeds.SectionAtomFeed()),
        name="section-feed-atom",
    ),
    path("sitemap.xml", shared(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("preview/<str:signed>/", preview.shared_article, name="shared"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path(
        "<slug:section_slug>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
