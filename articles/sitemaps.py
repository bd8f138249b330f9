"""
Sitemaps of the reading pages, with addresses built from SITE_URL: an index
(sitemap.xml) pointing at one sitemap per kind of page, each split into pages
of at most 50,000 addresses, and a Google News sitemap of the last 48 hours.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Author, Page, Section


class SiteURLSitemap(Sitemap):
    """Absolute addresses on SITE_URL, whatever host the request came to."""

    # The sitemaps protocol's own limit of addresses in one file.
    limit = 50_000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class HomeSitemap(SiteURLSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class SectionSitemap(SiteURLSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "name")


class ArticleSitemap(SiteURLSitemap):
    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "updated_at", "section__slug")
            .latest_first()
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate, not every article read.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class AuthorSitemap(SiteURLSitemap):
    def items(self):
        return Author.objects.filter(
            pk__in=Article.objects.published().values("authors")
        ).order_by("slug")


class TagSitemap(SiteURLSitemap):
    def items(self):
        return Tag.objects.filter(
            pk__in=Article.objects.published().values("tagged_items__tag")
        ).order_by("slug")

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class PageSitemap(SiteURLSitemap):
    """The live static pages."""

    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("path", "updated_at").order_by("path")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Page.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class NewsSitemap(ArticleSitemap):
    """
    Google News: the articles published in the last 48 hours (at most 1,000,
    Google's limit), with the publication's name and language, the headline
    and the publication time (templates/articles/sitemap_news.xml).
    """

    limit = 1000
    window = timedelta(hours=48)

    def items(self):
        since = timezone.now() - self.window
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .select_related("section")
            .only("slug", "title", "published_at", "updated_at", "section__slug")
            .with_latest_update()
            .latest_first()
        )

    def lastmod(self, item):
        """A live article's latest entry when later than its own edit."""
        return item.last_modified()

    def get_latest_lastmod(self):
        latest = self.items().aggregate(
            edited=Max("updated_at"), posted=Max("latest_update_at")
        )
        return max(filter(None, latest.values()), default=None)


SITEMAPS = {
    "home": HomeSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
}

NEWS_SITEMAPS = {"news": NewsSitemap}


def index_entries(sitemaps, url_name):
    """
    The sitemap index's entries: every page of every sitemap in `sitemaps`,
    at its address on SITE_URL, with the latest change it holds.
    """
    entries = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap()
        location = settings.SITE_URL + reverse(url_name, kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    return entries
