"""
What an article's body may hold: the body editor's extensions, the body
elements (docs/body-elements.md), and the sanitizer that lets through exactly
those (Article.body uses both).
"""

import html
import re
from datetime import datetime
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import strip_tags
from django_prose_editor.config import (
    DEFAULT_MENU_GROUPS,
    allowlist_from_extensions,
    expand_extensions,
)

GALLERY_MAX_PICTURES = 200

# What the body editor offers as text markup.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # The body elements below, kept intact by the editor
    # (articles/static/articles/body-elements.js).
    "BodyElement": True,
    # The Insert menu that adds them (articles/static/articles/body-insert.js),
    # first in the toolbar, and what its dialogs ask the server.
    "Menu": {"groups": [{"group": "insert"}, *DEFAULT_MENU_GROUPS]},
    "BodyInsert": {
        "pictureSearch": reverse_lazy("admin:articles_image_insert_search"),
        "pictureUpload": reverse_lazy("admin:articles_image_insert_upload"),
        "articleSearch": reverse_lazy("admin:articles_article_insert_articles"),
        "embedCheck": reverse_lazy("admin:articles_article_insert_embed"),
        "timeZone": settings.TIME_ZONE,
        "galleryMaxPictures": GALLERY_MAX_PICTURES,
    },
}

# The body elements (docs/body-elements.md): which tag carries each
# data-element value, and the data-* attributes each tag may hold.
ELEMENTS = {
    "figure": {"picture", "gallery", "embed"},
    "blockquote": {"pull-quote"},
    "aside": {"fact-box", "read-more", "update"},
}
ELEMENT_ATTRIBUTES = {
    "figure": {"data-element", "data-image", "data-placement", "data-url"},
    "blockquote": {"data-element"},
    "aside": {"data-element", "data-article", "data-at"},
}
# Tags the elements are made of, besides the text markup's own.
ELEMENT_TAGS = {
    "figure",
    "figcaption",
    "aside",
    "cite",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
PLACEMENTS = ("column", "wide", "full")

ID = re.compile(r"[1-9][0-9]{0,17}")
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
# An https address with a host and nothing that could break out of it.
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[^\s\"'<>`\\]*)?")


def element_value(tag, attribute, value):
    """
    What the sanitizer keeps of one attribute of a body element (nh3's
    attribute_filter): the value when it is one the format allows, else
    None (the attribute is dropped). Other tags' attributes pass unchanged:
    nh3 has already limited them to the text markup's.
    """
    if tag not in ELEMENT_ATTRIBUTES:
        return value
    if attribute == "data-element":
        allowed = value in ELEMENTS[tag]
    elif attribute in ("data-image", "data-article"):
        allowed = ID.fullmatch(value)
    elif attribute == "data-placement":
        allowed = value in PLACEMENTS
    elif attribute == "data-url":
        allowed = HTTPS_URL.fullmatch(value) and len(value) <= 2000
    elif attribute == "data-at":
        allowed = MOMENT.fullmatch(value) and is_moment(value)
    else:
        allowed = False
    return value if allowed else None


def is_moment(value):
    """Whether `value` ("2026-12-06T14:32") is a minute that exists."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _allowlist():
    allowlist = allowlist_from_extensions(expand_extensions(BODY_EDITOR_EXTENSIONS))
    allowlist["tags"] = allowlist["tags"] | ELEMENT_TAGS
    allowlist["attributes"] = allowlist["attributes"] | ELEMENT_ATTRIBUTES
    return allowlist


_cleaner = nh3.Cleaner(attribute_filter=element_value, **_allowlist())
# The editor's lone empty paragraph, stored as an empty body.
EMPTY = re.compile(r"<(?P<tag>\w+)></(?P=tag)>")


def sanitize_once(value):
    """
    One pass of the body field's sanitizer: the text markup the editor's
    extensions imply, and the body elements with only their attributes and
    values (nh3). The field cleans form input with it.
    """
    clean = _cleaner.clean(value)
    return "" if EMPTY.fullmatch(clean) else clean


def sanitize_body(html):
    """
    Clean article HTML with the body field's own sanitizer (the text markup
    BODY_EDITOR_EXTENSIONS offer, links only to http, https and mailto, and
    the body elements of docs/body-elements.md).
    """
    # Lone surrogates (never valid text, but a str can hold them) would make
    # the sanitizer raise; they become U+FFFD like undecodable bytes do.
    html = (html or "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    clean = sanitize_once(html)
    # One pass can leave markup that parses differently the next time (an
    # <a> inside an <a>, once a <table> between them is dropped): sanitize
    # again until nothing changes, so saving a body twice keeps it as it is.
    for _ in range(4):
        again = sanitize_once(clean)
        if again == clean:
            break
        clean = again
    return clean


def validate_body(value):
    """
    Refuse a body with a gallery of more than GALLERY_MAX_PICTURES pictures
    (the form shows the error and keeps what was typed).
    """
    for node in parse(sanitize_body(value)).descendants():
        if node.element == "gallery":
            count = len(node.pictures())
            if count > GALLERY_MAX_PICTURES:
                raise ValidationError(
                    "A gallery holds at most %(most)d pictures; this one has "
                    "%(count)d. Split it in two.",
                    code="gallery_too_long",
                    params={"most": GALLERY_MAX_PICTURES, "count": count},
                )


# Elements without content of their own: nothing closes them.
VOID_TAGS = {"br", "hr"}


class Node:
    """
    One tag of a sanitized body, its attributes and its children (Nodes and
    text), as parse() reads them; str() writes it back as HTML.
    """

    def __init__(self, tag, attrs=()):
        self.tag = tag
        self.attrs = dict(attrs)
        self.children = []

    @property
    def element(self):
        """The body element this tag is ("picture", "gallery"…), or None."""
        return self.attrs.get("data-element")

    def nodes(self):
        return [child for child in self.children if isinstance(child, Node)]

    def descendants(self):
        for child in self.nodes():
            yield child
            yield from child.descendants()

    def pictures(self):
        """A gallery's pictures, in order."""
        return [child for child in self.nodes() if child.element == "picture"]

    def first(self, tag):
        """The first child tag named `tag`, or None."""
        return next((child for child in self.nodes() if child.tag == tag), None)

    def inner_html(self):
        return "".join(
            html.escape(child, quote=False) if isinstance(child, str) else str(child)
            for child in self.children
        )

    def text(self):
        """The words inside, as plain text."""
        return plain_text(self.inner_html())

    def start_tag(self):
        attrs = "".join(
            f' {name}="{html.escape(value or "")}"'
            for name, value in self.attrs.items()
        )
        return f"<{self.tag}{attrs}>"

    def end_tag(self):
        return "" if self.tag in VOID_TAGS else f"</{self.tag}>"

    def __str__(self):
        return self.start_tag() + self.inner_html() + self.end_tag()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node(None)
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.open[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.open.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(body):
    """
    A sanitized body as a tree of Nodes under a root Node (whose tag is
    None): what the reading page, feeds and checks walk to find elements.
    """
    builder = _TreeBuilder()
    builder.feed(body or "")
    builder.close()
    return builder.root


def referenced_ids(body):
    """
    The ids a body refers to, in order and without repeats: {"image": […],
    "article": […], "embed": […]} (pictures, gallery pictures, "Read more"
    cards, and embeds by URL).
    """
    found = {"image": {}, "article": {}, "embed": {}}
    if "data-element" not in (body or "").lower():
        # No element, nothing referred to: most bodies need no parse.
        return {kind: [] for kind in found}
    for node in parse(body).descendants():
        if node.element == "picture" and node.attrs.get("data-image"):
            found["image"][int(node.attrs["data-image"])] = None
        if node.element == "read-more" and node.attrs.get("data-article"):
            found["article"][int(node.attrs["data-article"])] = None
        if node.element == "embed" and node.attrs.get("data-url"):
            found["embed"][node.attrs["data-url"]] = None
    return {kind: list(ids) for kind, ids in found.items()}


def picture_ids(body, lead_id=None):
    """
    The ids of an article's own pictures: its lead picture's (`lead_id`),
    then those its body and galleries show, in the body's order, once each.
    """
    ids = [lead_id] if lead_id else []
    return ids + [pk for pk in referenced_ids(body)["image"] if pk != lead_id]


def plain_text(value):
    """
    Body HTML as the words a reader sees, one space between each: tags become
    spaces (so paragraphs do not run into each other), entities their
    characters. Word counts, reading time and search snippets all read this.
    """
    return " ".join(html.unescape(strip_tags(re.sub(r"<", " <", value or ""))).split())


def count_words(value):
    """Words in body HTML as a reader sees them (tags and entities aside)."""
    return len(plain_text(value).split())


def first_words(value, words=20):
    """A body's first `words` words as a reader reads them, "…" when cut."""
    text = plain_text(value).split()
    return " ".join(text[:words]) + ("…" if len(text) > words else "")
