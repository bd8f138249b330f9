"""
Static pages: About us, Contact, Terms, Privacy, Corrections policy… Each
answers at its own address (`path`, "/about/" or "/about/team/": pages
imported from another site keep theirs), has a body made of the articles'
body elements, goes through the articles' workflow (draft → in review →
published, articles/workflow.py) and may be linked from the site's footer
in the order editors choose.

An address may not be taken by another page, by a section (whose articles
live under it) or by another part of the site (reserved_section_slugs). How
a page is found for a request is in articles/views.py (PageView): after the
section and article pages, before the redirects.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from newsroom.cache import ReaderVisible
from newsroom.fields import staff_member

from ..body import (
    BODY_EDITOR_EXTENSIONS,
    first_words,
    sanitize_body,
    sanitize_once,
    validate_body,
)
from .navigation import page_address, site_frame
from .publishing import (
    Publishing,
    PublishingQuerySet,
    Status,
    published_has_time,
)
from .redirects import Redirect, normalise_path
from .taxonomy import Section, reserved_section_slugs


def page_path_problem(path):
    """
    Why `path` (as normalise_path() keeps it) cannot be a page's address, or
    None: the site's root, a query, a file name, an empty or dotted segment,
    or a first segment that a section or another part of the site answers.
    Other pages are the unique constraint's concern.
    """
    if "\x00" in path or any(ch.isspace() for ch in path):
        return "An address cannot hold spaces or %00."
    if "?" in path or "#" in path:
        return "An address has no “?” or “#” part: give the path alone, as /about/."
    if path == "/":
        return "The site's root is the front page: give a path such as /about/."
    if not path.endswith("/"):
        return "A page's address ends with a slash, as /about/ does."
    segments = path.strip("/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        return "Each part of the address between slashes needs a name."
    first = segments[0]
    if first in reserved_section_slugs():
        return (
            f"/{first}/ belongs to another part of the site (search, feeds, "
            "newsletters, the admin…): choose another address."
        )
    section = Section.objects.filter(slug=first).first()
    if section is not None:
        return (
            f"/{first}/ is the section “{section.name}”, whose articles live "
            "under it: choose an address outside it."
        )
    return None


class PageQuerySet(PublishingQuerySet):
    def on_the_site(self):
        """
        Every published page (navigation.SitePage), scheduled ones included,
        in the footer's order: read with the sections and kept under the
        content version (navigation.site_frame), which any page's save or
        delete changes. Readers' lists (live_paths(), footer()) leave out
        what is not live yet when they read it, so a scheduled page needs no
        save to appear, and Article.objects.next_change() ends the kept
        pages' lives when it goes live.
        """
        return site_frame().pages

    def live_paths(self):
        """The addresses of the live pages (no query when kept)."""
        now = timezone.now()
        return {page.path for page in self.on_the_site() if page.published_at <= now}

    def footer(self, pages=None):
        """
        (path, title) of the live pages the footer links, in its order, from
        `pages` (on_the_site()'s, when read already) or on_the_site().
        """
        now = timezone.now()
        return [
            (page.path, page.title)
            for page in (self.on_the_site() if pages is None else pages)
            if page.in_footer and page.published_at <= now
        ]

    def next_footer_position(self):
        """A position after the footer's last page."""
        last = self.aggregate(last=Max("footer_position"))["last"]
        return 0 if last is None else last + 10


class Page(Publishing, ReaderVisible, models.Model):
    title = models.CharField(max_length=255)
    path = models.CharField(
        "address",
        max_length=255,
        unique=True,
        error_messages={"unique": "Another page already has this address."},
        help_text="Where the page answers on this site, such as /about/ or "
        "/about/team/. Not inside a section's address.",
    )
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_once,
        blank=True,
        validators=[validate_body],
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the page goes live. A time in the future schedules it.",
    )
    in_footer = models.BooleanField(
        "in the footer",
        default=False,
        help_text="Linked from the foot of every page of the site once it is live.",
    )
    footer_position = models.IntegerField(
        "position in the footer",
        default=0,
        help_text="Order of the footer's links: lower comes first.",
    )
    seo_title = models.CharField(
        max_length=70, blank=True, help_text="Title for search engines, if shorter."
    )
    seo_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="One or two sentences for search engines and shared links.",
    )
    created_by = staff_member(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        get_latest_by = "updated_at"
        verbose_name = "static page"
        constraints = [published_has_time("page")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Forms sanitize through full_clean(); importers and scripts do not,
        # so the body is sanitized again on every save, as an article's is.
        self.body = sanitize_body(self.body)
        self.path = normalise_path(self.path)
        self.fill_publication_time()
        previous = (
            Page.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if self.pk is not None
            else None
        )
        super().save(*args, **kwargs)
        if previous and previous != self.path:
            # The old address keeps working, as an article's does.
            Redirect.objects.update_or_create(
                old_path=previous,
                defaults={"article": None, "target": self.path, "status": 301},
            )
        # A page answers before any redirect of its own address.
        Redirect.objects.filter(old_path=self.path).delete()

    def get_absolute_url(self):
        return page_address(self.path)

    @property
    def description(self):
        """For search engines and shared links: the SEO description, else
        the body's first words."""
        return self.seo_description or first_words(self.body, 30)

    def clean(self):
        self.path = normalise_path(self.path)
        problem = page_path_problem(self.path)
        if problem:
            raise ValidationError({"path": problem})
        self.fill_publication_time()
