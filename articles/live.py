"""
Live coverage as readers see it: a page of a live article's entries with
their bodies rendered (every body element, through articles.elements), its
key events, and what the "anything new" answer reports. Whatever the
number of entries, a page costs the same few queries: the entries of the
page and the key events with their authors in one, and what their bodies
refer to in the article's own prefetch of its body's references
(models.body_references(), given the page's entries).
"""

from itertools import chain

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .body import parse
from .elements import BodyReferences, _inside
from .models import Article, prefetch_renditions, reference_rows

# Entries on each page of a live article ("Older updates" beyond).
ENTRIES_PER_PAGE = 20
# Pages offered: 2,000 entries, a long count, all reachable.
MAX_PAGES = 100
# The most new entries one "anything new" answer carries rendered.
UPDATES_MAX = 50
ENTRY_TEMPLATE = "includes/live_entry.html"


def render_entries(entries, rows):
    """
    Each entry with its body rendered as `entry.html`, from the reference
    rows `rows` (what the bodies show, already read); returns the
    references, which say whether the gallery viewer and the embeds' facade
    script are needed.
    """
    references = BodyReferences(rows)
    for entry in entries:
        entry.html = _inside(list(parse(entry.body).children), references)
    return references


def newer_entries(article, since):
    """
    The entries posted after the entry `since`, newest first (at most
    UPDATES_MAX), with their authors and what their bodies show: two
    queries whatever their number.
    """
    return list(
        article.live_entries.newer_than(since)
        .with_bylines()
        .prefetch_related(Prefetch("body_references", queryset=reference_rows()))[
            :UPDATES_MAX
        ]
    )


def entries_html(entries):
    """
    The entries (newer_entries()) as the page shows them, for inserting
    into an open page.
    """
    rows = list(chain.from_iterable(e.body_references.all() for e in entries))
    prefetch_renditions(
        [row.image for row in rows]
        + [row.target.lead_image for row in rows if row.target_id]
    )
    render_entries(entries, rows)
    return mark_safe(
        "".join(render_to_string(ENTRY_TEMPLATE, {"entry": e}) for e in entries)
    )


class LiveCoverage:
    """
    A live article's page of entries (`page`, a NewerOlderPage of entries
    read with LiveEntryQuerySet.page_and_key_events(), pinned first then
    newest first), its `key_events` (newest first) and whether its bodies
    need the gallery viewer or the embeds' facade script. `article` has
    its body's references prefetched with those of the page's entries, and
    its coverage read with it (ArticleQuerySet.with_coverage()).
    """

    def __init__(self, article, page, key_events):
        self.article = article
        self.page = page
        self.entries = list(page.object_list)
        self.key_events = sorted(
            key_events, key=lambda e: (e.created_at, e.pk), reverse=True
        )
        references = render_entries(self.entries, article.body_references.all())
        self.has_gallery = references.galleries > 0
        self.has_facade = references.facades > 0

    @property
    def ended(self):
        return self.article.live_state == Article.LiveState.ENDED

    @property
    def latest_id(self):
        """
        The newest entry's id (the script asks what came after it), read
        with the article (ArticleQuerySet.with_coverage()), else the newest
        on this page.
        """
        latest = getattr(self.article, "latest_entry_id", None)
        return latest or max((e.pk for e in self.entries), default=0)
