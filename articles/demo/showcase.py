"""
The demo paper's showcase (recent articles that between them use every
body element, from showcase.toml), its live coverage (live.toml), the
embeds they show (embeds.toml) and the static pages (pages.toml). The rest
of the paper is generated in the package's __init__.
"""

import html
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from . import DemoArticle, _read
from .pictures import PALETTES, draw_scene

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
