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
the generator, showcase.py reads the last four: plain functions over that
data; the command does the saving.
"""

import html
import random
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path

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
    "showcase_slugs",
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


# Read last: the showcase's articles are DemoArticles read from its files.
from .showcase import (  # noqa: E402
    EMBEDS,
    LIVE,
    SHOWCASE,
    STATIC_PAGES,
    DemoEmbed,
    DemoLiveEntry,
    DemoPage,
    LiveArticle,
    ShowcaseArticle,
    live_coverage,
    live_slugs,
    showcase_articles,
    showcase_slugs,
)
