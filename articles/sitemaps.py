"""Sitemaps of the reading pages, with addresses built from SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Author, Section


class SiteURLSitemap(Sitemap):
    """Absolute addresses on SITE_URL, whatever host the request came to."""

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
    limit = 5000

    def items(self):
        return Article.objects.published().select_related("section").latest_first()

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(SiteURLSitemap):
    def items(self):
        return Author.objects.filter(
            pk__in=Article.objects.published().values("authors")
        ).order_by("slug")


SITEMAPS = {
    "home": HomeSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
}
