"""
What the frame of every reading page shows: the sections in menu order (the
section bar) and the published static pages in the footer's order (the
footer, and which addresses are pages). Both are read in one query and kept
under the content version, so the footer costs no query of its own; the
same query says when what readers see next changes by itself, which the
page cache asks before every page it keeps (next_change).
"""

import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    Subquery,
    TextField,
    Value,
)
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from newsroom.cache import content_cached

from .images import day_start
from .publishing import Status

SECTION_FIELDS = ["id", "name", "slug", "description", "position"]

# A section's slug or a page's path that URL quoting leaves as it is: its
# address is formed around it (address_around) with no reverse() of its own.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLAIN_PATH = re.compile(r"(?:/[-a-zA-Z0-9_]+)+/")


@dataclass(frozen=True)
class SitePage:
    """What the frame knows of a published page (scheduled ones included)."""

    path: str
    title: str
    in_footer: bool
    footer_position: int
    published_at: object


@dataclass(frozen=True)
class SiteFrame:
    sections: list
    pages: list
    # The first moment after the frame was read when what readers see
    # changes by itself (earliest_change), or None.
    next_change: object = None


def section_address(slug):
    """A section's address, as reverse("articles:section") gives it."""
    return section_addresses([slug])[0]


def section_addresses(slugs):
    """The addresses of the sections of `slugs`, their order kept."""
    return formed_addresses("articles:section", slugs, PLAIN_SLUG, "slug-here", "")


def article_address(section_slug, slug):
    """
    An article's address, as reverse("articles:article") gives it: formed
    around one reverse() (article_address_around) when both slugs are
    plain. Every card links one, and the front page shows dozens.
    """
    if PLAIN_SLUG.fullmatch(section_slug) and PLAIN_SLUG.fullmatch(slug):
        urlconf = get_urlconf(settings.ROOT_URLCONF)
        head, middle, tail = article_address_around(get_script_prefix(), urlconf)
        return f"{head}{section_slug}{middle}{slug}{tail}"
    return reverse("articles:article", args=[section_slug, slug])


@functools.lru_cache(maxsize=16)
def article_address_around(prefix, urlconf):
    # `prefix` is part of the key: reverse() reads it from the request.
    sample = reverse(
        "articles:article", args=["section-here", "slug-here"], urlconf=urlconf
    )
    rest, _, tail = sample.rpartition("slug-here")
    head, _, middle = rest.rpartition("section-here")
    return head, middle, tail


def page_address(path):
    """A static page's address, as reverse("articles:page") gives it."""
    return page_addresses([path])[0]


def page_addresses(paths):
    """The addresses of the static pages of `paths`, their order kept."""
    # The page converter writes a path without its leading slash.
    return formed_addresses("articles:page", paths, PLAIN_PATH, "/path-here/", "/")


def formed_addresses(name, values, plain, sample, dropped):
    """
    The addresses of the URL `name` for each of `values`: formed around
    `sample`'s (address_around) when the value is `plain`, the URL writing
    it without its leading `dropped`; else reversed.
    """
    head, tail = address_around(name, sample, sample.removeprefix(dropped))
    return [
        f"{head}{value.removeprefix(dropped)}{tail}"
        if plain.fullmatch(value)
        else reverse(name, args=[value])
        for value in values
    ]


def site_addresses():
    """
    The addresses every page's frame links (the front page, search, the
    feeds), by name, reversed once per process, script prefix and URLconf.
    """
    return reversed_site_addresses(
        get_script_prefix(), get_urlconf(settings.ROOT_URLCONF)
    )


@functools.lru_cache(maxsize=16)
def reversed_site_addresses(prefix, urlconf):
    # `prefix` is part of the key: reverse() reads it from the request.
    names = {"home": "home", "search": "search", "rss": "feed", "atom": "feed-atom"}
    return {
        key: reverse(f"articles:{name}", urlconf=urlconf) for key, name in names.items()
    }


def address_around(name, value, written):
    """
    What comes before and after the one argument of the URL `name` in its
    addresses (`value` is written there as `written`), under this request's
    script prefix and URLconf: the section bar and the footer link every
    section and page on every page, and a reverse() costs several times a
    format.
    """
    urlconf = get_urlconf(settings.ROOT_URLCONF)
    return reversed_around(name, value, written, get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=64)
def reversed_around(name, value, written, prefix, urlconf):
    # `prefix` is part of the key: reverse() reads it from the request.
    head, _, tail = reverse(name, args=[value], urlconf=urlconf).rpartition(written)
    return head, tail


def site_frame():
    """The sections and published pages, kept under the content version."""
    return content_cached("site-frame", read_site_frame)


def change_moments(pages=True):
    """
    Subqueries of the moments when what readers see changes by itself, with
    no save: the next scheduled article ("next_article") and static page
    ("next_page") go live, a picture's rights end ("next_lapse", a date: the
    pages drop the picture from the start of that day). earliest_change()
    makes one moment of them. Without `pages`, no "next_page": the site
    frame reads every published page anyway (first_to_go_live), and each
    subquery costs about as much to build as the rest of its query.
    """
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    article = Article.objects.scheduled().order_by("published_at")
    lapse = Image.objects.rights_lapsing()
    moments = {
        "next_article": Subquery(article.values("published_at")[:1]),
        "next_lapse": Subquery(lapse.values("rights_expire_on")[:1]),
    }
    if pages:
        Page = apps.get_model("articles", "Page")
        page = Page.objects.scheduled().order_by("published_at")
        moments["next_page"] = Subquery(page.values("published_at")[:1])
    return moments


def first_to_go_live(pages, now):
    """When the first of `pages` (SitePage) still to come goes live, or None."""
    return min(
        (page.published_at for page in pages if page.published_at > now), default=None
    )


def earliest_change(next_article, next_page, next_lapse):
    """The earliest of change_moments()' answers, or None."""
    moments = [next_article, next_page, day_start(next_lapse) if next_lapse else None]
    return min((moment for moment in moments if moment), default=None)


def next_change():
    """
    When what readers see next changes by itself, or None, as
    Article.objects.next_change() says, from the frame kept under the
    content version while the moment it holds is still to come: a new
    schedule saves something, which changes the version, so no moment can
    have come between. Once it has come, read afresh.
    """
    upcoming = site_frame().next_change
    if upcoming is None or upcoming > timezone.now():
        return upcoming
    Article = apps.get_model("articles", "Article")
    return Article.objects.next_change()


def read_site_frame():
    """
    The sections and published pages, and when what readers see next
    changes by itself, in one query (UNION ALL).
    """
    # By name: the sections' and the pages' modules both read the frame.
    Section = apps.get_model("articles", "Section")
    Page = apps.get_model("articles", "Page")
    # The moments ride on every section's row (each subquery runs once). An
    # article needs a section, so without one only a page can change.
    sections = (
        Section.objects.order_by()
        .annotate(
            kind=Value("section"),
            at=Value(None, output_field=DateTimeField()),
            footer=Value(False, output_field=BooleanField()),
            **change_moments(pages=False),
        )
        .values_list(
            "kind",
            *SECTION_FIELDS,
            "at",
            "footer",
            "next_article",
            "next_lapse",
        )
    )
    pages = (
        Page.objects.order_by()
        .filter(status=Status.PUBLISHED)
        .annotate(
            kind=Value("page"),
            text=Value("", output_field=TextField()),
            next_article=Value(None, output_field=DateTimeField()),
            next_lapse=Value(None, output_field=DateField()),
        )
        .values_list(
            "kind",
            "id",
            "title",
            "path",
            "text",
            "footer_position",
            "published_at",
            "in_footer",
            "next_article",
            "next_lapse",
        )
    )
    now = timezone.now()
    found_sections, found_pages, moments = [], [], (None, None)
    # Pages first: Django compiles the first query's own columns again for
    # the union as a whole, and theirs are the cheap ones (no subquery). In
    # no order: sorted below.
    rows = pages.union(sections, all=True).order_by()
    for kind, *values, at, in_footer, article, lapse in rows:
        if kind == "section":
            found_sections.append(Section.from_db(sections.db, SECTION_FIELDS, values))
            moments = (article, lapse)
        else:
            _, title, path, _, position = values
            found_pages.append(SitePage(path, title, in_footer, position, at))
    found_sections.sort(key=lambda s: (s.position, s.name))
    found_pages.sort(key=lambda p: (p.footer_position, p.title, p.path))
    # Without a section there is no article, and no lapse is asked.
    article, lapse = moments
    upcoming = earliest_change(article, first_to_go_live(found_pages, now), lapse)
    return SiteFrame(found_sections, found_pages, upcoming)
