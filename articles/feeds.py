"""RSS and Atom feeds of the latest live articles, site-wide and per section."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article, Section


class LatestArticlesFeed(Feed):
    """The latest live articles of the whole paper (RSS 2.0)."""

    item_count = 30
    feed_url_name = "articles:feed"

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return f"The latest news, analysis and opinion from {settings.SITE_NAME}."

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return settings.SITE_URL + reverse("articles:home")

    def feed_url(self, obj):
        return settings.SITE_URL + reverse(self.feed_url_name)

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return self.articles(obj).for_listing().latest_first()[: self.item_count]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item):
        # A tag URI (RFC 4151): stable when the slug or section changes.
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},{item.created_at:%Y-%m-%d}:article/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(b.author.name for b in item.ordered_bylines()) or None

    def item_categories(self, item):
        return [item.section.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:feed-atom"


class SectionFeed(LatestArticlesFeed):
    """The latest live articles of one section (RSS 2.0)."""

    feed_url_name = "articles:section-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} | {settings.SITE_NAME}"

    def description(self, obj):
        return obj.description or f"The latest from {obj.name}."

    def link(self, obj):
        return settings.SITE_URL + obj.get_absolute_url()

    def feed_url(self, obj):
        return settings.SITE_URL + reverse(self.feed_url_name, args=[obj.slug])

    def articles(self, obj):
        return Article.objects.published().in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:section-feed-atom"
