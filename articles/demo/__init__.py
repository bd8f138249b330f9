"""
The demo paper: a regional Irish daily with its sections, staff, pictures and a
few months of articles, generated from a fixed seed so that every run builds the
same paper. `manage.py load_demo` writes it to the database.

What the paper says lives in data files beside this module: paper.toml
(sections, staff, tags, the words that fill headlines), topics.toml (what the
articles say), pictures.toml (scenes and palettes), showcase.toml (recent
articles that between them use every body element), live.toml (live
coverage with its entries), embeds.toml (their embeds, as already
resolved) and pages.toml (static pages: About us, Contact…). This module is
the generator: plain functions over that data; the command does the saving.
"""

import html
import random
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from .pictures import PALETTES, SCENES, DemoImage, draw_scene, image_pool

__all__ = [
    "AUTHORS",
    "EMBEDS",
    "PALETTES",
    "SCENES",
    "SECTIONS",
    "SHOWCASE",
    "STATIC_PAGES",
    "TAGS",
    "DemoArticle",
    "DemoAuthor",
    "DemoEmbed",
    "DemoImage",
    "DemoLiveEntry",
    "DemoPage",
    "LIVE",
    "LiveArticle",
    "ShowcaseArticle",
    "draw_scene",
    "generate_articles",
    "image_pool",
    "live_coverage",
    "live_slugs",
    "showcase_articles",
]

SEED = 1859
HERE = Path(__file__).parent


def _read(name):
    with (HERE / name).open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    role: str
    bio: str
    desk: str

    @cached_property
    def slug(self):
        return slugify(self.name)


# A topic keeps an article coherent: its headline, standfirst, paragraphs,
# quotes and tags all tell the same story (topics.toml explains the slots).
@dataclass(frozen=True)
class Topic:
    headlines: list
    standfirsts: list
    paragraphs: list
    quotes: list
    subheads: list
    tags: list
    kinds: list
    link: list
    scenes: list
    speakers: list = field(default_factory=list)


_paper = _read("paper.toml")
# name, slug, description
SECTIONS = [
    (section["name"], section["slug"], section["description"])
    for section in _paper["sections"]
]
# Bios may mention the paper: "{paper}" becomes settings.SITE_NAME.
AUTHORS = [DemoAuthor(**author) for author in _paper["authors"]]
TAGS = _paper["tags"]
SECTION_DESKS = _paper["section_desks"]
SECTION_WEIGHTS = _paper["section_weights"]
CORRECTIONS = _paper["corrections"]
_words = _paper["words"]
TOWNS = _words["towns"]
COUNTIES = _words["counties"]
COUNTY_TEAMS = _words["county_teams"]
FIRST_NAMES = _words["first_names"]
SURNAMES = _words["surnames"]
WEEKDAYS = _words["weekdays"]
PLAYS = _words["plays"]
BOOKS = _words["books"]
VENUES = _words["venues"]
RUGBY_TEAMS = _words["rugby_teams"]
SOCCER_TEAMS = _words["soccer_teams"]
RESTAURANTS = _words["restaurants"]
TOPICS = {
    section: [Topic(**topic) for topic in topics]
    for section, topics in _read("topics.toml").items()
}
del _paper, _words


# Articles.


@dataclass
class DemoArticle:
    index: int
    title: str
    slug: str
    standfirst: str
    body: str
    kind: str
    section: str
    status: str
    published_at: object
    written_at: object
    bylines: list  # (author slug, role)
    tags: list
    scene: str | None
    correction: tuple | None  # (text, corrected_at)


def _other(pool, *taken):
    return lambda rng, slots: rng.choice(
        [item for item in pool if item not in {slots[key] for key in taken}]
    )


def _pick(pool):
    return lambda rng, slots: rng.choice(pool)


def _between(low, high):
    return lambda rng, slots: rng.randint(low, high)


# How each {slot} in the templates gets its value.
SLOT_MAKERS = {
    "town": _pick(TOWNS),
    "town2": _other(TOWNS, "town"),
    "court_town": _pick(["Galway", "Ennis", "Castlebar", "Tuam"]),
    "county": _pick(COUNTIES),
    "team": _pick(COUNTY_TEAMS),
    "team2": _other(COUNTY_TEAMS, "team"),
    "team3": _other(COUNTY_TEAMS, "team", "team2"),
    "rugby_team": _pick(RUGBY_TEAMS),
    "soccer_team": _pick(SOCCER_TEAMS),
    "place": _pick(["third", "fourth", "fifth", "sixth"]),
    "decade": _pick([20, 30, 40, 50, 60]),
    "play": _pick(PLAYS),
    "book": _pick(BOOKS),
    "venue": _pick(VENUES),
    "restaurant": _pick(RESTAURANTS),
    "name": lambda rng, slots: f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
    "weekday": _pick(WEEKDAYS),
    "count": _between(12, 480),
    "count2": _between(500, 1400),
    "wrong": _between(12, 480),
    "money": lambda rng, slots: f"{rng.randint(12, 450) / 10:.1f}",
    "small_money": _pick([250, 400, 600, 750, 1200]),
    "pct": _between(3, 24),
    "year": lambda rng, slots: slots.reference_year + rng.randint(1, 3),
    "n": _between(3, 9),
    "age": _between(19, 67),
    "edition": _between(11, 19),
    "hours": _pick(["two", "three", "four"]),
    "road": _pick([17, 18, 59, 84, 85, 63]),
    "km": _between(8, 40),
    "votes": lambda rng, slots: f"{rng.randint(18, 27)} to {rng.randint(4, 12)}",
    "rent": _pick([1450, 1600, 1750, 1900, 2100]),
    "price": _between(240, 420),
    "occupancy": _between(71, 93),
    "odds": _between(4, 20),
    "bill": _between(95, 180),
    "per_kg": lambda rng, slots: f"{rng.randint(330, 420) / 100:.2f}",
    "low": _between(700, 1100),
    "high": lambda rng, slots: slots["low"] + rng.randint(300, 700),
    "high2": lambda rng, slots: slots["low"] + rng.randint(800, 1300),
    "lamb": _between(120, 175),
}


class Slots(dict):
    """An article's slot values, drawn from its generator the first time used."""

    def __init__(self, rng, reference_year):
        super().__init__()
        self.rng = rng
        self.reference_year = reference_year

    def __missing__(self, key):
        value = self[key] = SLOT_MAKERS[key](self.rng, self)
        return value


def _sentence(template, slots):
    return html.escape(template.format_map(slots), quote=False)


def article_body(rng, topic, slots):
    """Paragraphs, a subheading, a quotation and a link, as clean HTML."""
    # Paragraphs keep their order (the lede first); quotes and subheads vary.
    paragraphs = [_sentence(p, slots) for p in topic.paragraphs]
    first, rest = paragraphs[0], paragraphs[1:]
    quotes = [_sentence(q, slots) for q in topic.quotes]
    rng.shuffle(quotes)
    parts = [f"<p>{first}</p>"]
    if not topic.speakers:
        # A columnist's own line, pulled out.
        pulled = f"<blockquote><p>{quotes[0]}.</p></blockquote>"
    else:
        speaker = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        role = _sentence(rng.choice(topic.speakers), slots)
        if role.startswith(("Inspector ", "Sergeant ")):
            speaker, role = role, f" of {slots['town']} Garda station"
        else:
            role = f", {role}"
        if len(quotes) > 1:
            parts.append(f"<p>“{quotes.pop()},” said {speaker}{role}.</p>")
            pulled = f"<blockquote><p>“{quotes[0]}.”</p></blockquote>"
        else:
            pulled = (
                f"<blockquote><p>“{quotes[0]}.”</p><p>{speaker}{role}</p></blockquote>"
            )
    middle = len(rest) // 2
    parts.extend(f"<p>{p}</p>" for p in rest[:middle])
    parts.append(f"<h2>{_sentence(rng.choice(topic.subheads), slots)}</h2>")
    parts.append(pulled)
    parts.extend(f"<p>{p}</p>" for p in rest[middle:])
    url, label = topic.link
    parts.append(
        f'<p>More information is available from <a href="{url}">'
        f"{html.escape(label, quote=False)}</a>.</p>"
    )
    return "".join(parts)


def _pick_bylines(rng, section, kind, desks):
    """One to three names in order, with the part each played."""
    writers = desks[SECTION_DESKS[section][0]]
    first = rng.choice(writers)
    if section == "opinion":
        bylines = [(first, "writer")]
        if first.name == "Jean-Marc Perrot" or rng.random() < 0.08:
            bylines.append((rng.choice(desks["translator"]), "translator"))
        return bylines
    role = {
        "news": "reporter",
        "analysis": "correspondent",
        "review": "writer",
        "feature": "writer",
    }[kind]
    bylines = [(first, role)]
    roll = rng.random()
    if roll < 0.12 and kind == "news":
        bylines.append((desks["agency"][0], "agency"))
    elif roll < 0.30:
        others = [a for a in writers if a != first]
        if others:
            bylines.append((rng.choice(others), role))
    if kind in {"feature", "review"} or rng.random() < 0.15:
        bylines.append((rng.choice(desks["photo"]), "photographer"))
    return bylines[:3]


def _status(index):
    """A few drafts, pieces in review and scheduled ones among the live ones."""
    slot = index % 50
    if slot in {7, 29}:
        return "draft"
    if slot in {17, 38}:
        return "review"
    if slot == 3:
        return "scheduled"
    return "published"


def span_days(count):
    """How far back the archive goes: a few months, longer for big runs."""
    return max(120, count // 40)


def generate_articles(count, reference, skip=frozenset()):
    """
    Yield `count` DemoArticles, newest first, identical on every call with the
    same arguments. `reference` is the moment the archive is anchored to.
    Articles whose slug is in `skip` are left out before their body is written.
    """
    desks = {}
    for author in AUTHORS:
        desks.setdefault(author.desk, []).append(author)
    sections = list(SECTION_WEIGHTS)
    weights = list(SECTION_WEIGHTS.values())
    span = timedelta(days=span_days(count))
    seen_slugs, seen_titles, uses = set(), set(), {}
    for index in range(count):
        rng = random.Random(f"{SEED}:{index}")
        # A paper rarely runs the same headline twice: draw again (a few
        # times, from the same seeded generator) when this one has been used.
        for _ in range(12):
            section = "news" if index == 0 else rng.choices(sections, weights)[0]
            topic = rng.choice(TOPICS[section])
            slots = Slots(rng, reference.year)
            title = rng.choice(topic.headlines).format_map(slots)
            if title not in seen_titles:
                break
        seen_titles.add(title)
        kind = rng.choice(topic.kinds)
        standfirst = rng.choice(topic.standfirsts).format_map(slots)
        bylines = _pick_bylines(rng, section, kind, desks)
        if section == "opinion":
            standfirst = f"{standfirst.rstrip('.')}, writes {bylines[0][0].name}."
        base = slugify(title)[:240]
        # A headline seen before gets the next free number: base-2, base-3, …
        slug, suffix = base, uses.get(base, 1)
        while slug in seen_slugs:
            suffix += 1
            slug = f"{base}-{suffix}"
        uses[base] = suffix
        seen_slugs.add(slug)
        if slug in skip:
            continue
        status = _status(index)
        age = span * (index + rng.random()) / count + timedelta(minutes=20)
        if status == "scheduled":
            published_at = reference + timedelta(hours=rng.randint(2, 72))
            written_at = reference - timedelta(hours=rng.randint(1, 8))
            status = "published"
        elif status == "published":
            published_at = reference - age
            written_at = published_at - timedelta(minutes=rng.randint(30, 300))
        else:
            published_at = None
            written_at = reference - age
        correction = None
        if status == "published" and index % 60 == 11:
            corrected_at = published_at + timedelta(hours=rng.randint(2, 30))
            correction = (
                rng.choice(CORRECTIONS).format_map(slots),
                min(corrected_at, reference),
            )
        yield DemoArticle(
            index=index,
            title=title,
            slug=slug,
            standfirst=standfirst,
            body=article_body(rng, topic, slots),
            kind=kind,
            section=section,
            status=status,
            published_at=published_at,
            written_at=written_at,
            bylines=[(author.slug, role) for author, role in bylines],
            tags=rng.sample(topic.tags, rng.randint(1, min(3, len(topic.tags)))),
            scene=rng.choice(topic.scenes) if rng.random() < 0.85 else None,
            correction=correction,
        )


# The showcase: recent articles that between them use every body element.


@dataclass
class ShowcaseArticle(DemoArticle):
    lead: str | None  # the key of its lead picture in image_pool(), or None


@dataclass(frozen=True)
class DemoEmbed:
    """An embed as the worker would have resolved it (embeds.toml)."""

    url: str
    provider: str
    title: str
    author_name: str
    iframe_src: str
    width: int
    height: int
    scene: str
    palette: str

    def draw(self):
        """The thumbnail as JPEG bytes, drawn at the player's size."""
        palette = next(p for p in PALETTES if p["name"] == self.palette)
        return draw_scene(self.scene, palette, self.url, self.width, self.height)


SHOWCASE = _read("showcase.toml")["articles"]
EMBEDS = [DemoEmbed(**embed) for embed in _read("embeds.toml")["embeds"]]


def _text(value):
    return html.escape(value, quote=False)


@dataclass
class DemoPage:
    """A static page of pages.toml."""

    title: str
    path: str
    body: list
    seo_description: str = ""
    footer: int | None = None

    def html(self, paper):
        """The body as stored: paragraphs, and subheadings ("## …")."""
        blocks = []
        for block in self.body:
            text = _text(block.format(paper=paper))
            if text.startswith("## "):
                blocks.append(f"<h2>{text[3:]}</h2>")
            else:
                blocks.append(f"<p>{text}</p>")
        return "".join(blocks)


STATIC_PAGES = [DemoPage(**page) for page in _read("pages.toml")["pages"]]


def _figure_picture(key, caption, ids, placement=None):
    place = f' data-placement="{placement}"' if placement else ""
    return (
        f'<figure data-element="picture" data-image="{ids.pictures[key]}"{place}>'
        f"<figcaption>{_text(caption)}</figcaption></figure>"
    )


def _table(block, ids):
    head = "".join(f"<th>{_text(cell)}</th>" for cell in block["head"])
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>"
        for row in block["rows"]
    )
    return (
        f"<table><caption>{_text(block['table'])}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _update(block, ids):
    at = timezone.localtime(ids.published_at + timedelta(minutes=block["update"]))
    return (
        f'<aside data-element="update" data-at="{at:%Y-%m-%dT%H:%M}">'
        f"<p>{_text(block['text'])}</p></aside>"
    )


def _fact_box(block, ids):
    items = "".join(f"<li><p>{_text(item)}</p></li>" for item in block["items"])
    return (
        f'<aside data-element="fact-box"><h2>{_text(block["fact_box"])}</h2>'
        f"<ul>{items}</ul></aside>"
    )


# How each block of showcase.toml is written as stored body HTML
# (docs/body-elements.md), by the block's first key.
BLOCKS = {
    "p": lambda block, ids: f"<p>{_text(block['p'])}</p>",
    "h2": lambda block, ids: f"<h2>{_text(block['h2'])}</h2>",
    "quote": lambda block, ids: (
        f"<blockquote><p>{_text(block['quote'])}</p></blockquote>"
    ),
    "link": lambda block, ids: (
        f'<p>More information is available from <a href="{block["link"][0]}">'
        f"{_text(block['link'][1])}</a>.</p>"
    ),
    "picture": lambda block, ids: _figure_picture(
        block["picture"], block["caption"], ids, block["placement"]
    ),
    "gallery": lambda block, ids: (
        '<figure data-element="gallery">'
        + "".join(
            _figure_picture(key, caption, ids) for key, caption in block["gallery"]
        )
        + "</figure>"
    ),
    "embed": lambda block, ids: (
        '<figure data-element="embed" '
        f'data-url="{html.escape(block["embed"])}"></figure>'
    ),
    "pull_quote": lambda block, ids: (
        f'<blockquote data-element="pull-quote"><p>{_text(block["pull_quote"])}</p>'
        f"<cite>{_text(block['cite'])}</cite></blockquote>"
    ),
    "fact_box": _fact_box,
    "read_more": lambda block, ids: (
        '<aside data-element="read-more" '
        f'data-article="{ids.articles[block["read_more"]]}"></aside>'
    ),
    "table": _table,
    "update": _update,
}


@dataclass
class _Ids:
    pictures: dict
    articles: dict
    published_at: object


def _body(blocks, ids):
    """Stored body HTML of a list of blocks (showcase.toml explains them)."""
    return "".join(BLOCKS[next(iter(block))](block, ids) for block in blocks)


def showcase_slugs():
    """The showcase articles' slugs, in their file's order."""
    return [slugify(spec["title"])[:240] for spec in SHOWCASE]


def showcase_articles(reference, pictures, articles, skip=frozenset()):
    """
    Yield the showcase's ShowcaseArticles in their file's order, the same on
    every call with the same arguments. Bodies refer to rows by id: `pictures`
    maps a pool picture's key to its id, `articles` an article's slug to its
    id. `articles` is read as each article is written, so a caller that saves
    each one before asking for the next, and adds it to `articles`, lets a
    "Read more" card name any article listed before it. Articles whose slug
    is in `skip` are left out.
    """
    for index, (spec, slug) in enumerate(zip(SHOWCASE, showcase_slugs(), strict=True)):
        if slug in skip:
            continue
        published_at = reference - timedelta(minutes=spec["minutes_ago"])
        ids = _Ids(pictures, articles, published_at)
        yield _published(ShowcaseArticle, index, spec, slug, ids, timedelta(minutes=90))


def _published(kind, index, spec, slug, ids, writing, **more):
    """
    A published article of a data file (showcase.toml, live.toml) as `kind`
    (a DemoArticle class), written `writing` before its publication.
    """
    return kind(
        index=index,
        title=spec["title"],
        slug=slug,
        standfirst=spec["standfirst"],
        body=_body(spec["body"], ids),
        kind=spec["kind"],
        section=spec["section"],
        status="published",
        published_at=ids.published_at,
        written_at=ids.published_at - writing,
        bylines=[tuple(byline) for byline in spec["bylines"]],
        tags=spec["tags"],
        scene=None,
        correction=None,
        lead=spec.get("lead"),
        **more,
    )


# Live coverage (live.toml): articles followed entry by entry.


@dataclass(frozen=True)
class DemoLiveEntry:
    """One entry of a demo live article, as LiveEntry stores it."""

    posted_at: object
    author: str  # an author's slug
    headline: str
    body: str
    pinned: bool = False
    key_event: bool = False


@dataclass
class LiveArticle(ShowcaseArticle):
    live_state: str  # Article.LiveState's value
    entries: list  # DemoLiveEntry, oldest first


LIVE = _read("live.toml")["coverage"]


def live_slugs():
    """The live articles' slugs, in their file's order."""
    return [slugify(spec["title"])[:240] for spec in LIVE]


def _entry(spec, opened, ids):
    blocks = [{"p": text} for text in spec["text"]]
    if "picture" in spec:
        blocks.append(
            {"picture": spec["picture"], "caption": spec["caption"], "placement": None}
        )
    if "embed" in spec:
        blocks.append({"embed": spec["embed"]})
    return DemoLiveEntry(
        posted_at=opened + timedelta(minutes=spec["at"]),
        author=spec["by"],
        headline=spec.get("headline", ""),
        body=_body(blocks, ids),
        pinned=spec.get("pinned", False),
        key_event=spec.get("key_event", False),
    )


def live_coverage(now, pictures, skip=frozenset()):
    """
    Yield live.toml's LiveArticles in their file's order, each opened its
    `minutes_ago` before `now` with its entries posted since, so that the
    coverage still going on looks live when the demo is loaded. `pictures`
    maps a pool picture's key to its id; articles whose slug is in `skip`
    are left out.
    """
    for index, (spec, slug) in enumerate(zip(LIVE, live_slugs(), strict=True)):
        if slug in skip:
            continue
        opened = now - timedelta(minutes=spec["minutes_ago"])
        ids = _Ids(pictures, {}, opened)
        entries = [_entry(entry, opened, ids) for entry in spec["entries"]]
        entries += [
            DemoLiveEntry(
                posted_at=opened + timedelta(minutes=at),
                author=author,
                headline="",
                body=f"<p>{_text(text)}</p>",
            )
            for at, author, text in spec.get("briefs", [])
        ]
        yield _published(
            LiveArticle,
            index,
            spec,
            slug,
            ids,
            timedelta(minutes=30),
            live_state=spec["live_state"],
            entries=sorted(entries, key=lambda entry: entry.posted_at),
        )
