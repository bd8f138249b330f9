"""
What the frame of every reading page shows: the sections in menu order (the
section bar) and the published static pages in the footer's order (the
footer, and which addresses are pages). Both are read in one query and kept
under the content version, so the footer costs no query of its own; the
same query says when what readers see next changes by itself, which the
page cache asks before every page it keeps (next_change). Other apps' rows
that their blocks on the reading pages show after every change ride on the
same query (frame_part): the newsletters an article page offers.
"""

import functools
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connections, router
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from newsroom.cache import content_cached
from newsroom.sql import read_rows

from .images import day_start
from .publishing import PUBLISHED_SQL

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
    # {name: JSON text} of each part other apps registered (frame_part).
    parts: dict = field(default_factory=dict)

    def __reduce__(self):
        # Kept in the cache by the first page rendered after any change: as
        # its rows, which pickle in a tenth of the time its sections (model
        # instances) and pages (dataclasses) take, and built again by
        # site_frame_from_rows(), which built it from the rows read
        # (read_site_frame). Its sections are all read from one database.
        db = self.sections[0]._state.db if self.sections else None
        sections = [
            [getattr(section, name) for name in SECTION_FIELDS]
            for section in self.sections
        ]
        pages = [
            (p.path, p.title, p.in_footer, p.footer_position, p.published_at)
            for p in self.pages
        ]
        return (
            site_frame_from_rows,
            (db, sections, pages, self.next_change, self.parts),
        )


def site_frame_from_rows(db, sections, pages, next_change, parts):
    """
    The SiteFrame of these rows: each section's values of SECTION_FIELDS,
    read from the database `db`, and each page's of SitePage's fields, in
    their order; the sections put in menu order, the pages in the footer's.
    read_site_frame() builds the frame it reads with it, and a frame kept in
    the cache is built again with it from what SiteFrame.__reduce__() kept;
    with the `parts` other apps registered (frame_part), as read.
    """
    Section = apps.get_model("articles", "Section")
    return SiteFrame(
        sorted(
            (Section.from_db(db, SECTION_FIELDS, values) for values in sections),
            key=lambda s: (s.position, s.name),
        ),
        sorted(
            (SitePage(*page) for page in pages),
            key=lambda p: (p.footer_position, p.title, p.path),
        ),
        next_change,
        parts,
    )


def section_address(slug):
    """A section's address, as reverse("articles:section") gives it."""
    return section_addresses([slug])[0]


def section_addresses(slugs):
    """The addresses of the sections of `slugs`, their order kept."""
    return formed_addresses("articles:section", slugs, PLAIN_SLUG, "slug-here", "")


def author_address(slug):
    """An author's address, as reverse("articles:author") gives it."""
    return author_addresses([slug])[0]


def author_addresses(slugs):
    """The addresses of the authors of `slugs`, their order kept."""
    return formed_addresses("articles:author", slugs, PLAIN_SLUG, "slug-here", "")


def tag_addresses(slugs):
    """The addresses of the tags of `slugs`, their order kept."""
    return formed_addresses("articles:tag", slugs, PLAIN_SLUG, "slug-here", "")


def article_address(section_slug, slug):
    """
    An article's address, as reverse("articles:article") gives it: formed
    around one reverse() (article_address_around) when both slugs are
    plain. Every card links one, and the front page shows dozens.
    """
    return article_address_writer()(section_slug, slug)


def article_address_writer():
    """
    article_address() for many articles: the script prefix and URLconf read
    once (about 3 µs a card when read for each), for the cards of one list.
    """
    urlconf = get_urlconf(settings.ROOT_URLCONF)
    head, middle, tail = article_address_around(get_script_prefix(), urlconf)

    def address(section_slug, slug):
        if PLAIN_SLUG.fullmatch(section_slug) and PLAIN_SLUG.fullmatch(slug):
            return f"{head}{section_slug}{middle}{slug}{tail}"
        return reverse("articles:article", args=[section_slug, slug])

    return address


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


# {name: its SQL's builder} of the parts other apps read with the frame.
_frame_parts = {}
PART_NAME = re.compile(r"[a-z][a-z-]*")


def frame_part(name, sql):
    """
    Register `sql(connection)`, the SQL of one JSON text (a subquery of one
    value, without parameters: newsroom.sql.json_list_sql), as a part of
    the site frame: read in the frame's one statement and kept with it
    (SiteFrame.parts[name]), rather than in a statement of its own after
    every change. For the few rows another app's block on the reading pages
    shows (the newsletters the article page offers). Apps call it from
    AppConfig.ready(); `name` is plain lower-case words and hyphens.
    """
    if not PART_NAME.fullmatch(name):
        raise ValueError(f"A site frame part's name is words and hyphens: {name!r}")
    _frame_parts[name] = sql


def change_moments(connection, now):
    """
    The moments after `now` when what readers see changes by itself, with
    no save, by name, each as the SQL of a subquery of one value, its
    parameters and the field its value is read as: the next scheduled
    article ("next_article") and static page ("next_page") go live, a
    picture's rights end ("next_lapse", a date: the pages drop the picture
    from the start of that day). earliest_change() makes one moment of
    them. SQL of our own, for the same reason as read_site_frame's.
    """
    Article = apps.get_model("articles", "Article")
    Page = apps.get_model("articles", "Page")
    Image = apps.get_model("articles", "Image")
    moment = connection.ops.adapt_datetimefield_value(now)
    day = connection.ops.adapt_datefield_value(timezone.localdate(now))
    # As Article.objects.scheduled() and Image.objects.rights_lapsing() say.
    scheduled = (
        f"SELECT published_at FROM {{}} WHERE status = {PUBLISHED_SQL} "
        "AND published_at > %s ORDER BY published_at LIMIT 1"
    )
    return {
        "next_article": (
            scheduled.format(Article._meta.db_table),
            [moment],
            Article._meta.get_field("published_at"),
        ),
        "next_page": (
            scheduled.format(Page._meta.db_table),
            [moment],
            Page._meta.get_field("published_at"),
        ),
        "next_lapse": (
            f"SELECT rights_expire_on FROM {Image._meta.db_table} "
            "WHERE rights_expire_on > %s ORDER BY rights_expire_on LIMIT 1",
            [day],
            Image._meta.get_field("rights_expire_on"),
        ),
    }


def first_to_go_live(pages, now):
    """
    When the first of `pages` (rows of SitePage's fields, site_frame_from_rows)
    still to come goes live, or None.
    """
    return min(
        (published_at for *_, published_at in pages if published_at > now),
        default=None,
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


def read_next_change():
    """
    When what readers see next changes by itself, or None, read afresh in
    one query (Article.objects.next_change()).
    """
    Section = apps.get_model("articles", "Section")
    connection = connections[router.db_for_read(Section)]
    moments = change_moments(connection, timezone.now())
    names = ("next_article", "next_page", "next_lapse")
    subqueries, params, fields = zip(*(moments[name] for name in names), strict=True)
    sql = (
        "SELECT "
        + ", ".join(f"({subquery})" for subquery in subqueries)
        + f", EXISTS (SELECT 1 FROM {Section._meta.db_table})"
    )
    [row] = read_rows(connection, sql, sum(params, []), [*fields, None])
    next_article, next_page, next_lapse, any_section = row
    if not any_section:
        # No section, so no article; and no lapse is asked, as the site
        # frame asks none (read_site_frame).
        return earliest_change(None, next_page, None)
    return earliest_change(next_article, next_page, next_lapse)


def read_site_frame():
    """
    The sections and published pages, and when what readers see next
    changes by itself, in one query (UNION ALL). SQL of our own: every
    page rendered after a change reads it, and built from querysets the
    same query took about three times as long to build and compile as the
    database takes to answer it.
    """
    # By name: the sections' and the pages' modules both read the frame.
    Section = apps.get_model("articles", "Section")
    Page = apps.get_model("articles", "Page")
    connection = connections[router.db_for_read(Section)]
    now = timezone.now()
    moments = change_moments(connection, now)
    article_sql, article_params, article_field = moments["next_article"]
    lapse_sql, lapse_params, lapse_field = moments["next_lapse"]
    # A page's row, then a section's in the same columns: its fields
    # (SECTION_FIELDS) where the page has id, title, path, nothing and
    # footer_position. The moments ride on every section's row (each
    # subquery runs once). An article needs a section, so without one only
    # a page can change, which the pages' rows say (first_to_go_live). Then
    # a row for each part (frame_part): its name where the page has its
    # title, its JSON text where the page has its path.
    sql = (
        "SELECT 'page', id, title, path, '', footer_position, published_at, "
        f"in_footer, NULL, NULL FROM {Page._meta.db_table} "
        f"WHERE status = {PUBLISHED_SQL} UNION ALL "
        f"SELECT 'section', {', '.join(SECTION_FIELDS)}, NULL, false, "
        f"({article_sql}), ({lapse_sql}) FROM {Section._meta.db_table}"
    ) + "".join(
        f" UNION ALL SELECT 'part', NULL, '{name}', ({build(connection)}), '', "
        "NULL, NULL, false, NULL, NULL"
        for name, build in _frame_parts.items()
    )
    params = [*article_params, *lapse_params]
    page_field = Page._meta.get_field
    fields = [None] * 6 + [page_field("published_at"), page_field("in_footer")]
    rows = read_rows(connection, sql, params, [*fields, article_field, lapse_field])
    sections, pages, parts, moments = [], [], {}, (None, None)
    for kind, *values, at, in_footer, article, lapse in rows:
        if kind == "section":
            sections.append(values)
            moments = (article, lapse)
        elif kind == "part":
            _, name, text, *_ = values
            parts[name] = text
        else:
            _, title, path, _, position = values
            pages.append((path, title, in_footer, position, at))
    # Without a section there is no article, and no lapse is asked.
    article, lapse = moments
    upcoming = earliest_change(article, first_to_go_live(pages, now), lapse)
    return site_frame_from_rows(connection.alias, sections, pages, upcoming, parts)
