"""
Live coverage as readers see it: a page of a live article's entries with
their bodies rendered (every body element, through articles.elements), its
key events, and what the "anything new" answer reports. Whatever the
number of entries, a page costs the same few queries: the entries of the
page, their authors, the key events, and what their bodies refer to (one
query per kind of element for all of them).
"""

from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from .body import parse, referenced_ids
from .elements import BodyReferences, _inside
from .models import Article, Image, ResolvedEmbed, prefetch_renditions

# Entries on each page of a live article ("Older updates" beyond).
ENTRIES_PER_PAGE = 20
# Pages offered: 2,000 entries, a long count, all reachable.
MAX_PAGES = 100
# The most new entries one "anything new" answer carries rendered.
UPDATES_MAX = 50
ENTRY_TEMPLATE = "includes/live_entry.html"


class EntryReferences(BodyReferences):
    """
    What the bodies of several entries refer to, read together: the
    pictures whose rights hold (with their renditions), the live articles
    of their cards, the resolved embeds.
    """

    def __init__(self, entries):
        ids = {"image": set(), "article": set(), "embed": set()}
        for entry in entries:
            for kind, found in referenced_ids(entry.body).items():
                ids[kind].update(found)
        self.pictures = {}
        self.articles = {}
        self.embeds = {}
        if ids["image"]:
            self.pictures = {
                image.pk: image
                for image in Image.objects.filter(pk__in=ids["image"])
                if not image.rights_expired()
            }
        if ids["article"]:
            self.articles = (
                Article.objects.published().for_listing().in_bulk(ids["article"])
            )
        if ids["embed"]:
            self.embeds = {
                embed.url: embed
                for embed in ResolvedEmbed.objects.resolved().filter(
                    url__in=ids["embed"]
                )
            }
        prefetch_renditions(
            [*self.pictures.values()]
            + [card.lead_image for card in self.articles.values()]
        )
        self.galleries = 0
        self.facades = 0


def with_authors(entries):
    return entries.prefetch_related("authors")


def render_entries(entries):
    """
    Each entry (a list, their authors prefetched) with its body rendered
    as `entry.html`; returns the references, which say whether the
    gallery viewer and the embeds' facade script are needed.
    """
    references = EntryReferences(entries)
    for entry in entries:
        entry.html = _inside(list(parse(entry.body).children), references)
    return references


def entries_html(entries):
    """The entries as the page shows them, for inserting into an open page."""
    render_entries(entries)
    return mark_safe(
        "".join(render_to_string(ENTRY_TEMPLATE, {"entry": e}) for e in entries)
    )


class LiveCoverage:
    """
    A live article's page of entries (`page`, from a NewerOlderPaginator
    over its entries, pinned first then newest first), its `key_events`
    (id, headline or first line, time) and whether its bodies need the
    gallery viewer or the embeds' facade script.
    """

    def __init__(self, article, page):
        self.article = article
        self.page = page
        self.entries = list(page.object_list)
        self._references = render_entries(self.entries)
        self.has_gallery = self._references.galleries > 0
        self.has_facade = self._references.facades > 0

    @property
    def ended(self):
        return self.article.live_state == Article.LiveState.ENDED

    @cached_property
    def key_events(self):
        return list(self.article.live_entries.key_events())

    @cached_property
    def latest_id(self):
        """The newest entry's id (the script asks what came after it)."""
        ids = [e.pk for e in self.entries]
        if self.page.number == 1:
            return max(ids, default=0)
        return (
            self.article.live_entries.order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )
