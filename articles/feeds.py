"""
RSS 2.0 and Atom feeds of the latest live articles: the whole paper, each
section, each author and each tag.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from taggit.models import Tag

from newsroom.media_storage import STORAGE_ERRORS

from .elements import portable_body
from .models import Article, Author, Section, body_pictures_of, prefetch_renditions
from .templatetags.article_tags import absolute_url

# Characters XML 1.0 cannot carry. One pasted into a headline or a name
# would otherwise make every feed that lists it fail to render.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class XMLSafeFeedMixin:
    """A feed generator that leaves out what XML cannot hold, from any field."""

    def __init__(self, *args, **kwargs):
        args = [xml_safe(arg) for arg in args]
        super().__init__(*args, **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        args = [xml_safe(arg) for arg in args]
        super().add_item(*args, **{k: xml_safe(v) for k, v in kwargs.items()})


class RssFeed(XMLSafeFeedMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with each item's whole story as HTML in content:encoded."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class Atom1Feed(XMLSafeFeedMixin, feedgenerator.Atom1Feed):
    """Atom with each entry's whole story as HTML in its content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The latest live articles of the whole paper (RSS 2.0)."""

    feed_type = RssFeed

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
        return settings.SITE_URL + reverse(self.feed_url_name, args=self.url_args(obj))

    def url_args(self, obj):
        return []

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        items = list(self.articles(obj).for_feed().latest_first()[: self.item_count])
        # The pictures of every item's lead and body, in one query.
        prefetch_renditions(
            [item.lead_image for item in items] + body_pictures_of(items)
        )
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers show the description as HTML; the standfirst is plain
        # text, so what looks like markup in it must stay text.
        return escape(item.standfirst)

    def item_extra_kwargs(self, item):
        # The whole story for feed readers (RSS content:encoded, Atom
        # content); the standfirst stays the description.
        return {"content": portable_body(item)}

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
        return item.last_modified()

    def item_author_name(self, item):
        return ", ".join(b.author.name for b in item.ordered_bylines()) or None

    def item_author_link(self, item):
        bylines = item.ordered_bylines()
        if len(bylines) == 1:
            return settings.SITE_URL + bylines[0].author.get_absolute_url()
        return None

    def item_categories(self, item):
        """The section, then the article's tags."""
        return [item.section.name, *(t.tag.name for t in item.tagged_items.all())]

    def item_enclosures(self, item):
        """The lead picture (its JPEG rendition for pages), when there is one."""
        image = item.lead_picture
        if image is None:
            return []
        rendition = image.fallback_rendition
        file = rendition.file if rendition else image.file
        try:
            length = file.size
        except STORAGE_ERRORS:
            length = 0
        mime_type = rendition.mime_type if rendition else "image/jpeg"
        return [Enclosure(absolute_url(file.url), str(length), mime_type)]


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

    def url_args(self, obj):
        return [obj.slug]

    def articles(self, obj):
        return Article.objects.published().in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:section-feed-atom"


class AuthorFeed(SectionFeed):
    """The latest live articles with one author in the byline (RSS 2.0)."""

    feed_url_name = "articles:author-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def description(self, obj):
        return f"The latest by {obj.name} in {settings.SITE_NAME}."

    def articles(self, obj):
        return Article.objects.published().by_author(obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:author-feed-atom"


class TagFeed(SectionFeed):
    """The latest live articles with one tag (RSS 2.0)."""

    feed_url_name = "articles:tag-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def description(self, obj):
        return f"The latest about {obj.name} from {settings.SITE_NAME}."

    def link(self, obj):
        return settings.SITE_URL + reverse("articles:tag", args=[obj.slug])

    def articles(self, obj):
        return Article.objects.published().tagged(obj)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    feed_url_name = "articles:tag-feed-atom"
