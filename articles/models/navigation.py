"""
What the frame of every reading page shows: the sections in menu order (the
section bar) and the published static pages in the footer's order (the
footer, and which addresses are pages). Both are read in one query and kept
under the content version, so the footer costs no query of its own.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import BooleanField, DateTimeField, TextField, Value

from newsroom.cache import content_cached

from .publishing import Status

SECTION_FIELDS = ["id", "name", "slug", "description", "position"]


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


def site_frame():
    """The sections and published pages, kept under the content version."""
    return content_cached("site-frame", read_site_frame)


def read_site_frame():
    """The sections and published pages, in one query (UNION ALL)."""
    # By name: the sections' and the pages' modules both read the frame.
    Section = apps.get_model("articles", "Section")
    Page = apps.get_model("articles", "Page")
    sections = (
        Section.objects.order_by()
        .annotate(
            kind=Value("section"),
            at=Value(None, output_field=DateTimeField()),
            footer=Value(False, output_field=BooleanField()),
        )
        .values_list("kind", *SECTION_FIELDS, "at", "footer")
    )
    pages = (
        Page.objects.order_by()
        .filter(status=Status.PUBLISHED)
        .annotate(kind=Value("page"), text=Value("", output_field=TextField()))
        .values_list(
            "kind",
            "id",
            "title",
            "path",
            "text",
            "footer_position",
            "published_at",
            "in_footer",
        )
    )
    found_sections, found_pages = [], []
    for kind, *values, at, in_footer in sections.union(pages, all=True):
        if kind == "section":
            found_sections.append(Section.from_db(sections.db, SECTION_FIELDS, values))
        else:
            _, title, path, _, position = values
            found_pages.append(SitePage(path, title, in_footer, position, at))
    found_sections.sort(key=lambda s: (s.position, s.name))
    found_pages.sort(key=lambda p: (p.footer_position, p.title, p.path))
    return SiteFrame(found_sections, found_pages)
