"""
Reading a WordPress export (WXR 1.0 to 1.2, as self-hosted WordPress and
WordPress.com write it) as a stream: each item and each channel-level
author, category, tag and term is handed over as it ends and then dropped
from the tree, so the file's size does not matter.

Namespaces are matched by what they are, not by their exact address (the
export's version is in them, and WordPress.com's files spell some
differently): every tag is read as `wp:…`, `excerpt:…`, `content:…`,
`dc:…` or its plain RSS name. CDATA or escaped text read the same.
"""

import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote


class NotAnExport(Exception):
    """The file is not a WordPress export, or not well-formed XML."""


PREFIXES = [
    (re.compile(r"wordpress\.(org|com)/export/[\d.]+/excerpt/?$"), "excerpt"),
    (re.compile(r"wordpress\.(org|com)/export/[\d.]+/?$"), "wp"),
    (re.compile(r"purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"purl\.org/dc/elements/1\.1/?$"), "dc"),
]


@functools.cache
def local_name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' → 'wp:post_id'."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    for pattern, prefix in PREFIXES:
        if pattern.search(uri):
            return f"{prefix}:{name}"
    return f"other:{name}"


def text_of(element):
    return (element.text or "").strip() if element is not None else ""


@dataclass(slots=True)
class Item:
    """One <item>: a post, page, attachment, guest author or other post type."""

    post_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified_gmt: str = ""
    pub_date: str = ""
    post_name: str = ""
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    attachment_url: str = ""
    # (domain, nicename, name) in the export's order.
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def slug(self):
        """The post's slug, decoded ("%d0%bf…" → "п…")."""
        return unquote(self.post_name)

    def terms_of(self, domain):
        return [(nicename, name) for d, nicename, name in self.terms if d == domain]


@dataclass(slots=True)
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: str = ""


@dataclass(slots=True)
class Term:
    """A category, a tag or another taxonomy's term (wp:term)."""

    taxonomy: str
    term_id: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


def _children(element):
    """An element's children as {name: text}, the first of each name."""
    found = {}
    for child in element:
        found.setdefault(local_name(child.tag), child.text or "")
    return found


def _int(value):
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def _item(element):
    values = _children(element)
    meta = {}
    terms = []
    for child in element:
        name = local_name(child.tag)
        if name == "wp:postmeta":
            pair = _children(child)
            key = pair.get("wp:meta_key", "").strip()
            if key:
                meta.setdefault(key, pair.get("wp:meta_value", ""))
        elif name == "category":
            terms.append(
                (
                    child.get("domain", "category"),
                    unquote(child.get("nicename", "")),
                    (child.text or "").strip(),
                )
            )
    return Item(
        post_id=_int(values.get("wp:post_id")),
        post_type=values.get("wp:post_type", "post").strip(),
        status=values.get("wp:status", "").strip(),
        title=(values.get("title") or "").strip(),
        link=(values.get("link") or "").strip(),
        creator=(values.get("dc:creator") or "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        post_date=values.get("wp:post_date", "").strip(),
        post_date_gmt=values.get("wp:post_date_gmt", "").strip(),
        modified_gmt=values.get("wp:post_modified_gmt", "").strip(),
        pub_date=(values.get("pubDate") or "").strip(),
        post_name=values.get("wp:post_name", "").strip(),
        parent=_int(values.get("wp:post_parent")),
        menu_order=_int(values.get("wp:menu_order")),
        password=values.get("wp:post_password", "").strip(),
        attachment_url=values.get("wp:attachment_url", "").strip(),
        terms=terms,
        meta=meta,
    )


def _author(element):
    values = _children(element)
    return Author(
        login=values.get("wp:author_login", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        author_id=values.get("wp:author_id", "").strip(),
    )


def _term(name, element):
    values = _children(element)
    if name == "wp:category":
        return Term(
            "category",
            values.get("wp:term_id", "").strip(),
            unquote(values.get("wp:category_nicename", "").strip()),
            values.get("wp:cat_name", "").strip(),
            unquote(values.get("wp:category_parent", "").strip()),
            values.get("wp:category_description", "").strip(),
        )
    if name == "wp:tag":
        return Term(
            "post_tag",
            values.get("wp:term_id", "").strip(),
            unquote(values.get("wp:tag_slug", "").strip()),
            values.get("wp:tag_name", "").strip(),
            "",
            values.get("wp:tag_description", "").strip(),
        )
    return Term(
        values.get("wp:term_taxonomy", "").strip(),
        values.get("wp:term_id", "").strip(),
        unquote(values.get("wp:term_slug", "").strip()),
        values.get("wp:term_name", "").strip(),
        unquote(values.get("wp:term_parent", "").strip()),
        values.get("wp:term_description", "").strip(),
    )


CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def read(path, channel=None):
    """
    Yield what the export at `path` holds, in file order: Author, Term and
    Item objects. `channel` (a Channel) is filled in as its fields are read.
    Raises NotAnExport for a file that is not a WordPress export or is
    broken.
    """
    channel = channel if channel is not None else Channel()
    depth = 0
    root = element_channel = None
    is_wxr = False
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                    if local_name(element.tag) != "rss":
                        raise NotAnExport("not a WordPress export (no <rss> root)")
                elif depth == 2 and local_name(element.tag) == "channel":
                    element_channel = element
                continue
            depth -= 1
            if depth != 2 or element_channel is None:
                continue
            name = local_name(element.tag)
            if name in CHANNEL_FIELDS:
                setattr(channel, CHANNEL_FIELDS[name], (element.text or "").strip())
                is_wxr = is_wxr or name == "wp:wxr_version"
            elif name == "item":
                yield _item(element)
            elif name == "wp:author":
                yield _author(element)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                yield _term(name, element)
            # What was read is dropped: memory stays bounded.
            element_channel.clear()
    except ET.ParseError as error:
        raise NotAnExport(f"not well-formed XML ({error})") from None
    if root is None or element_channel is None or not is_wxr:
        raise NotAnExport("not a WordPress export (no wp:wxr_version)")
