"""
How the paper is arranged: sections (and the first path segments a section
may not take), authors, and the tag links of articles.
"""

import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLResolver, get_resolver
from taggit.models import TaggedItemBase

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet, content_cached
from newsroom.rows import BuiltFromRows

from .navigation import author_address, section_address, site_frame
from .prefetched import keep_prefetched


def reserved_section_slugs():
    """
    First path segments that the URLconf gives to pages other than sections
    (other apps' pages, feeds, the admin) and the static and media URLs: a
    section with one of these slugs would hide them or be hidden by them.
    """
    reserved = {
        url.strip("/").split("/")[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and "://" not in url
    }

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver) and not route:
                walk(pattern.url_patterns, route)
                continue
            first = route.lstrip("^").split("/")[0]
            if first and re.fullmatch(r"[\w.-]+", first):
                reserved.add(first)

    walk(get_resolver().url_patterns, "")
    return reserved


def validate_section_slug(value):
    if value in reserved_section_slugs():
        raise ValidationError(
            "“%(value)s” is used by another part of the site; choose another.",
            params={"value": value},
        )
    # Static pages (articles/models/pages.py) live outside every section.
    Page = apps.get_model("articles", "Page")
    if Page.objects.filter(path__startswith=f"/{value}/").exists():
        raise ValidationError(
            "/%(value)s/ is a static page's address; choose another.",
            params={"value": value},
        )


def reader_cached(name, compute):
    """
    `compute()`, kept under the page cache's content version (so any change
    a reader could see drops it) when the reading pages' parts may be kept
    (settings.FRAGMENT_CACHE_SECONDS: a cache every process shares); else
    computed each time. See newsroom.cache.content_cached.
    """
    return content_cached(name, compute)


class SectionQuerySet(ReaderVisibleQuerySet):
    def in_menu(self):
        """
        Every section in menu order, from the cache when possible (the
        section bar on every page, the default front page): read with the
        footer's pages and kept under the content version (`site_frame`).
        """
        return site_frame().sections


class Section(BuiltFromRows, ReaderVisible, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, validators=[validate_section_slug]
    )
    description = models.TextField(
        blank=True, help_text="One or two sentences shown on the section page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the section bar; lower comes first."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return section_address(self.slug)


class Author(BuiltFromRows, ReaderVisible, models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line, e.g. “Professor of strategic studies, University of …”",
    )
    bio = models.TextField(
        blank=True, help_text="The short biography shown under the author's articles."
    )
    photo = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account of this author, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        renamed = (
            self.pk is not None
            and Author.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        )
        super().save(*args, **kwargs)
        if renamed:
            self.articles.refresh_byline_names()

    def get_absolute_url(self):
        return author_address(self.slug)


class TaggedArticle(ReaderVisible, TaggedItemBase):
    """Tag links with a real foreign key, so tag pages join on an index."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = ReaderVisibleQuerySet.as_manager()
    # Readers see taggit's tags (their names, on tag pages) through these rows.
    reader_visible_also = ("taggit.Tag",)

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique"
            )
        ]


# An article's tags: read with it, beside its row, or on their own.


def tags_in_order():
    """Prefetch of an article's tag links with their tags, by tag name."""
    return models.Prefetch("tagged_items", queryset=_tag_links())


def tags_of(article):
    """
    What tags_in_order() prefetches, for the one `article`, as a queryset to
    read into it (keep_prefetched()).
    """
    return _tag_links().filter(content_object_id=article.pk)


def _tag_links():
    return TaggedArticle.objects.select_related("tag").order_by("tag__name")


def keep_tags(article):
    """
    Keep the article's tag links, with their tags, where tags_in_order()
    leaves them (`article.tagged_items.all()`): from its `tag_list` column
    (ArticleQuerySet.with_tag_list) when its row has one, so they cost no
    query of their own, else read (tags_of()). Links already prefetched are
    kept.
    """
    if getattr(article, "tag_list", None) is None:
        keep_prefetched(article, "tagged_items", tags_of(article))
    else:
        keep_prefetched(article, "tagged_items", lambda: tags_from_row(article))


def tags_from_row(article):
    """
    The article's tag links, with their tags, from its `tag_list`, made as
    the ORM makes rows it reads (Model.from_db).
    """
    tag_field = TaggedArticle._meta.get_field("tag")
    article_field = TaggedArticle._meta.get_field("content_object")
    Tag = tag_field.related_model
    db = article._state.db
    links = []
    for link_id, tag_id, name, slug in article.tag_list:
        link = TaggedArticle.from_db(db, LISTED_LINK, [link_id, tag_id, article.pk])
        tag_field.set_cached_value(
            link, Tag.from_db(db, LISTED_TAG, [tag_id, name, slug])
        )
        article_field.set_cached_value(link, article)
        links.append(link)
    return links


# What a `tag_list` gives each tag link and its tag, in the models' field
# order (Model.from_db).
LISTED_LINK = ["id", "tag_id", "content_object_id"]
LISTED_TAG = ["id", "name", "slug"]
