"""
The front page as editors arrange it: slots in order (the lead, top stories,
a block per section, a "latest" list), each showing its pinned articles and
then what its rule finds. No story appears twice: every slot's pins are
placed first, in page order, then rules fill the rest, in page order, skipping
what is already shown. A pinned article that is not live at the moment shown
drops out and its slot's rule fills the gap.

With no slot saved, the page is the paper's default: the lead story, three
top stories, a list of the latest eight headlines, then the latest four of
each section.
"""

from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.functional import cached_property

from newsroom.sql import read_rows

from .models import (
    Article,
    FrontPageSlot,
    Section,
    TaggedArticle,
    prefetch_renditions,
    reader_cached,
)

# How many of the latest live articles the rules look through at first, at
# least. A rule that finds too few there asks the database on its own.
POOL_SIZE = 120


@dataclass
class Block:
    """One slot as shown: its heading, where that links, and its articles."""

    slot: FrontPageSlot
    articles: list = field(default_factory=list)

    @property
    def kind(self):
        return self.slot.kind

    @property
    def heading(self):
        return self.slot.display_heading

    @property
    def shows_sections(self):
        """Cards name their section unless the whole block is one section."""
        return not self.slot.rule_section_id

    @property
    def link(self):
        return (
            self.slot.rule_section.get_absolute_url() if self.slot.rule_section else ""
        )


def default_slots():
    """
    The front page when editors arranged none, as unsaved slots: the lead,
    top stories, the latest list, then each section.
    """
    lead = FrontPageSlot(kind=FrontPageSlot.Kind.LEAD, size=1)
    top = FrontPageSlot(kind=FrontPageSlot.Kind.TOP, size=3)
    latest = FrontPageSlot(kind=FrontPageSlot.Kind.LATEST, size=8)
    sections = [
        FrontPageSlot(kind=FrontPageSlot.Kind.SECTION, rule_section=section, size=4)
        for section in Section.objects.in_menu()
    ]
    return [lead, top, latest, *sections]


def saved_slots():
    """
    The slots editors saved, in page order, with their pins, from the cache
    when possible (models.reader_cached; articles/apps.py has any change to
    a slot or pin replace the content version).
    """
    return reader_cached("front-page-slots", read_saved_slots)


# What read_saved_slots() reads of each slot, its rule's section and tag.
SLOT_FIELDS = [
    "id",
    "kind",
    "heading",
    "position",
    "size",
    "rule_section_id",
    "rule_tag_id",
    "rule_kind",
]
RULE_SECTION_FIELDS = ["id", "name", "slug", "description", "position"]
RULE_TAG_FIELDS = ["id", "name", "slug"]


def read_saved_slots():
    """
    The saved slots in page order, each with its rule's section and tag, in
    one query, and their pins (prefetched: one more query when there are
    slots). SQL of our own, its columns read as the ORM reads them
    (newsroom.sql.read_rows): with no slot saved (the paper's default front
    page), the same built and compiled from a queryset took about ten times
    as long as the database takes to answer.
    """
    Tag = FrontPageSlot._meta.get_field("rule_tag").related_model
    connection = connections[router.db_for_read(FrontPageSlot)]

    read = [
        (alias, model._meta.get_field(name))
        for alias, model, names in (
            ("s", FrontPageSlot, SLOT_FIELDS),
            ("c", Section, RULE_SECTION_FIELDS),
            ("t", Tag, RULE_TAG_FIELDS),
        )
        for name in names
    ]
    sql = (
        "SELECT "
        + ", ".join(f"{alias}.{field.column}" for alias, field in read)
        + f" FROM {FrontPageSlot._meta.db_table} s"
        f" LEFT JOIN {Section._meta.db_table} c ON c.id = s.rule_section_id"
        f" LEFT JOIN {Tag._meta.db_table} t ON t.id = s.rule_tag_id"
        " ORDER BY s.position, s.id"
    )
    rows = read_rows(connection, sql, (), [field for _, field in read])
    slots = []
    to_section = FrontPageSlot._meta.get_field("rule_section")
    to_tag = FrontPageSlot._meta.get_field("rule_tag")
    section_at = len(SLOT_FIELDS)
    tag_at = section_at + len(RULE_SECTION_FIELDS)
    for row in rows:
        slot = FrontPageSlot.from_db(connection.alias, SLOT_FIELDS, row[:section_at])
        section, tag = row[section_at:tag_at], row[tag_at:]
        to_section.set_cached_value(
            slot,
            Section.from_db(connection.alias, RULE_SECTION_FIELDS, section)
            if slot.rule_section_id
            else None,
        )
        to_tag.set_cached_value(
            slot,
            Tag.from_db(connection.alias, RULE_TAG_FIELDS, tag)
            if slot.rule_tag_id
            else None,
        )
        slots.append(slot)
    prefetch_related_objects(slots, "pins")
    return slots


def arrange(at=None, slots=None):
    """
    The front page's blocks as it looks at `at` (default: now): a list of
    Block, in page order, each with its articles ready for cards (sections,
    bylines and pictures loaded, and live coverage's latest entry read with
    its article, so the card can show its first words). A fixed number of
    queries whatever the number of slots and articles, but for a rule that
    finds too few of the latest articles (one more query for it).
    """
    at = at or timezone.now()
    if slots is None:
        slots = saved_slots() or default_slots()
    chosen = {id(slot): [] for slot in slots}
    shown = set()

    def place(slot, pk):
        chosen[id(slot)].append(pk)
        shown.add(pk)

    def room(slot):
        return slot.capacity - len(chosen[id(slot)])

    # Pins win, in page order; a pin not live at `at` drops out.
    pinned = [pin.article_id for slot in slots for pin in pinned_in_order(slot)]
    live_pins = set()
    if pinned:  # the query, even one the database is never asked, costs
        live = Article.objects.live_at(at).filter(pk__in=pinned)
        live_pins = set(live.values_list("pk", flat=True))
    for slot in slots:
        for pin in pinned_in_order(slot):
            if (
                pin.article_id in live_pins
                and pin.article_id not in shown
                and room(slot)
            ):
                place(slot, pin.article_id)

    # Rules fill what is left, in page order, from the latest articles.
    wanted = sum(slot.capacity for slot in slots)
    pool = latest_live(at, max(POOL_SIZE, 3 * wanted))
    tag_ids = {slot.rule_tag_id for slot in slots if slot.rule_tag_id}
    tagged = set()
    if tag_ids and pool:
        tagged = set(
            TaggedArticle.objects.filter(
                content_object__in=[pk for pk, _, _ in pool], tag__in=tag_ids
            ).values_list("content_object_id", "tag_id")
        )
    for slot in slots:
        for pk, section_id, kind in pool:
            if not room(slot):
                break
            if pk not in shown and slot.matches(pk, section_id, kind, tagged):
                place(slot, pk)
        if room(slot) and len(pool) == max(POOL_SIZE, 3 * wanted):
            for pk, _, _ in latest_live(at, room(slot), slot, excluded=shown):
                place(slot, pk)

    # In no order: the blocks give it.
    articles = Article.objects.cards_by_id(shown)
    prefetch_renditions(article.lead_image for article in articles.values())
    return [
        Block(slot, [articles[pk] for pk in chosen[id(slot)] if pk in articles])
        for slot in slots
    ]


def latest_live(at, count, slot=None, excluded=()):
    """
    (pk, section_id, kind) of the latest `count` articles live at `at`
    (Article.objects.live_at), newest first: with `slot`, only those its
    rule finds (as FrontPageSlot.matches() says of one article), none of
    `excluded`. SQL of our own: built and compiled from querysets, each of
    these took several times as long as the database takes to answer it.
    """
    connection = connections[router.db_for_read(Article)]
    where = ["a.status = %s", "a.published_at <= %s"]
    params = [Article.Status.PUBLISHED, connection.ops.adapt_datetimefield_value(at)]
    if slot is not None and slot.rule_section_id:
        where.append("a.section_id = %s")
        params.append(slot.rule_section_id)
    if slot is not None and slot.rule_kind:
        where.append("a.kind = %s")
        params.append(slot.rule_kind)
    if slot is not None and slot.rule_tag_id:
        where.append(
            f"EXISTS (SELECT 1 FROM {TaggedArticle._meta.db_table} t "
            "WHERE t.content_object_id = a.id AND t.tag_id = %s)"
        )
        params.append(slot.rule_tag_id)
    if excluded:
        where.append(f"a.id NOT IN ({', '.join(['%s'] * len(excluded))})")
        params.extend(excluded)
    sql = (
        f"SELECT a.id, a.section_id, a.kind FROM {Article._meta.db_table} a "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY a.published_at DESC, a.id DESC LIMIT %s"
    )
    fields = [Article._meta.get_field(name) for name in ("id", "section", "kind")]
    return read_rows(connection, sql, [*params, count], fields)


def lead_image(blocks):
    """The picture of the page's lead story, or None (no query)."""
    for block in blocks:
        if block.kind == FrontPageSlot.Kind.LEAD and block.articles:
            return block.articles[0].lead_picture
    return None


def pinned_in_order(slot):
    """The slot's pins in their order (prefetched: no query)."""
    if slot.pk is None:
        return []
    return sorted(slot.pins.all(), key=lambda pin: (pin.position, pin.pk))


class FrontPage:
    """
    The front page as it looks at `at` (default: now), arranged on first
    use: a home page whose parts come from the cache arranges nothing.
    """

    def __init__(self, at=None):
        self.at = at

    @cached_property
    def blocks(self):
        return arrange(self.at)

    @property
    def lead_image(self):
        return lead_image(self.blocks)

    @property
    def nothing_published(self):
        return not any(block.articles for block in self.blocks)
