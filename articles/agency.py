"""
Agency copy: stories from a news agency's feed taken in as drafts
(`manage.py import_feed`, docs/agency-feeds.md).

- `read_feed(data)`: the stories in a feed, whatever its format (RSS 2.0,
  Atom 1.0 or IPTC's ninjs 2.x JSON, told apart by its content); raises
  `FeedError` with one line saying why when it is none of them or broken.
- `take_in(stories, section, agency)`: each story becomes a draft in
  `section`, credited to the `agency` (an Author), and its ID at the agency
  is kept (ImportRecord, source "agency:<name>", kind "story"). Run again,
  a story changed at the agency updates its draft while nobody has edited
  it here; one that someone has edited, has moved on (review, published)
  or deleted is left alone; nothing is ever made twice.

The agency's HTML is untrusted: the body goes through the body's sanitizer
(Article.save), the headline and standfirst become plain text.
"""

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.text import slugify

from . import revisions
from .body import plain_text
from .models import (
    Article,
    ArticleAuthor,
    Author,
    ImportRecord,
    agency_source,
    fingerprint,
)

KIND = "story"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
# At most this many tags a story, each at most as long as a tag's name.
MAX_TAGS = 10
TAG_MAX_LENGTH = 100
# ninjs items that are not stories (pictures, audio, video, graphics).
NINJS_STORY_TYPES = {"text", "composite"}
# ninjs items the agency has held back or taken back.
NINJS_NOT_USABLE = {"withheld", "canceled"}
# C0 controls but tab, line feed and carriage return: XML 1.0 cannot carry
# them and PostgreSQL refuses NUL, yet JSON can hold any.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FeedError(Exception):
    """The input is not a feed we can read: the message says why, in a line."""


@dataclass
class Story:
    """One story as the agency sent it, reduced to what a draft takes."""

    external_id: str
    title: str
    standfirst: str = ""
    body: str = ""
    tags: list = field(default_factory=list)

    def fingerprint(self):
        return fingerprint(asdict(self))


@dataclass
class Feed:
    """What a feed held: its stories, and how many items were passed over."""

    stories: list
    skipped: int = 0


# Reading


def read_feed(data):
    """The stories in `data` (bytes or text): RSS 2.0, Atom 1.0 or ninjs 2.x."""
    if isinstance(data, bytes):
        start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        is_json, is_xml = start in (b"{", b"["), start == b"<"
    else:
        start = data.lstrip("\ufeff \t\r\n")[:1]
        is_json, is_xml = start in ("{", "["), start == "<"
    if is_json:
        return read_ninjs(data)
    if is_xml:
        return read_xml(data)
    raise FeedError("Not a feed: neither XML (RSS, Atom) nor JSON (ninjs).")


def read_xml(data):
    # ElementTree never fetches external entities or DTDs, and the expat it
    # runs on (2.4.1 and later) refuses exponential entity expansion.
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise FeedError(f"Broken XML: {error}.") from error
    if root.tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        return collect(rss_story(item) for item in items)
    if root.tag == f"{ATOM}feed":
        return collect(atom_story(entry) for entry in root.findall(f"{ATOM}entry"))
    if root.tag == f"{ATOM}entry":
        return collect([atom_story(root)])
    raise FeedError(f"Not a feed: the XML's root is <{local_name(root.tag)}>.")


def read_ninjs(data):
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"Broken JSON: {error}.") from error
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        items = document["items"]
    elif isinstance(document, dict) and "uri" in document:
        items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise FeedError("Not a feed: JSON, but neither a ninjs item nor a list.")
    return collect(ninjs_story(item) for item in items)


def collect(stories):
    """A Feed of the stories read, those that came as None counted as skipped."""
    feed = Feed(stories=[])
    seen = set()
    for story in stories:
        if story is None or story.external_id in seen:
            feed.skipped += 1
        else:
            seen.add(story.external_id)
            feed.stories.append(story)
    return feed


def story(external_id, title, summary_html, body_html, tags):
    """A Story from what an item holds, or None without an ID or any text."""
    external_id = printable(external_id).strip()[:255]
    standfirst = printable(plain_text(summary_html))
    body = printable(body_html or summary_html)
    title = printable(plain_text(title)) or first_words(standfirst or plain_text(body))
    if not external_id or not title:
        return None
    return Story(
        external_id=external_id,
        title=title[:255],
        standfirst=standfirst,
        body=body,
        tags=sensible_tags(tags),
    )


def printable(value):
    """
    `value` without the control characters no database column should hold,
    and lone surrogates (JSON can escape them) as U+FFFD.
    """
    value = (value or "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return CONTROL.sub("", value)


def first_words(text, words=12):
    return " ".join(text.split()[:words])


def sensible_tags(names):
    """
    Tag names from an agency's categories: trimmed, once each (in any case),
    not bare subject codes ("04011000"), not longer than a tag may be.
    """
    tags, seen = [], set()
    for name in names:
        name = " ".join(printable(name).split()) if isinstance(name, str) else ""
        if not name or name.isdigit() or len(name) > TAG_MAX_LENGTH:
            continue
        if name.lower() not in seen:
            seen.add(name.lower())
            tags.append(name)
    return tags[:MAX_TAGS]


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def text_of(element, path):
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def rss_story(item):
    return story(
        external_id=text_of(item, "guid") or text_of(item, "link"),
        # Plain text by the letter of RSS, escaped HTML in practice.
        title=text_of(item, "title"),
        summary_html=text_of(item, "description"),
        body_html=text_of(item, f"{CONTENT}encoded"),
        tags=[category.text for category in item.findall("category")],
    )


def atom_story(entry):
    return story(
        external_id=text_of(entry, f"{ATOM}id"),
        title=atom_text(entry.find(f"{ATOM}title")),
        summary_html=atom_text(entry.find(f"{ATOM}summary")),
        body_html=atom_text(entry.find(f"{ATOM}content")),
        tags=[
            category.get("label") or category.get("term")
            for category in entry.findall(f"{ATOM}category")
        ],
    )


def atom_text(element):
    """An Atom text construct as HTML, whichever of its three types it is."""
    if element is None or element.get("src"):
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        div = element.find("{http://www.w3.org/1999/xhtml}div")
        if div is None:
            return ""
        # The XHTML namespace is dropped so the sanitizer sees plain tags.
        for node in div.iter():
            node.tag = local_name(node.tag)
        inner = (div.text and html.escape(div.text)) or ""
        return inner + "".join(
            ET.tostring(child, encoding="unicode", method="html") for child in div
        )
    if kind == "html":
        return element.text or ""
    return text_paragraphs(element.text or "")


def text_paragraphs(text):
    """Plain text as paragraphs of HTML: one per block between blank lines."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return "".join(
        f"<p>{html.escape(' '.join(block.split()))}</p>"
        for block in blocks
        if block.strip()
    )


def ninjs_story(item):
    if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
        return None
    if text(item, "type") not in NINJS_STORY_TYPES | {""}:
        return None
    if text(item, "pubstatus") in NINJS_NOT_USABLE:
        return None
    headline = ninjs_value(item.get("headlines"), ("main",)) or text(item, "headline")
    summary = ninjs_html(item.get("descriptions"), ("summary", "text", "teaser"))
    summary = (
        summary or text(item, "description_html") or plain(item, "description_text")
    )
    body = ninjs_html(item.get("bodies"), ("main", "html", "richtext", "text"))
    body = body or text(item, "body_html") or plain(item, "body_text")
    subjects = listed(item, "subjects") or listed(item, "subject")
    names = [s.get("name") for s in subjects if isinstance(s, dict)]
    names += listed(item, "keywords")
    return story(item["uri"], html.escape(headline), summary, body, names)


def text(item, key):
    value = item.get(key)
    return value if isinstance(value, str) else ""


def listed(item, key):
    value = item.get(key)
    return value if isinstance(value, list) else []


def plain(item, key):
    return text_paragraphs(text(item, key))


def ninjs_entries(entries):
    entries = entries if isinstance(entries, list) else []
    return [e for e in entries if isinstance(e, dict) and "value" in e]


def ninjs_value(entries, roles):
    """The value of the entry with the first of `roles`, else of the first."""
    entries = ninjs_entries(entries)
    for role in roles:
        for entry in entries:
            if entry.get("role") == role and isinstance(entry["value"], str):
                return entry["value"]
    return next((e["value"] for e in entries if isinstance(e["value"], str)), "")


def ninjs_html(entries, roles):
    """
    The body (or description) as HTML: an HTML one where there is one (its
    <body> only, when it is a whole document), else plain text as paragraphs.
    Other markups (NITF and the like) are passed over.
    """
    entries = [e for e in ninjs_entries(entries) if isinstance(e["value"], str)]
    marked_up = [e for e in entries if is_html(e.get("contenttype"))]
    if marked_up:
        return body_of(ninjs_value(marked_up, roles))
    untyped = [e for e in entries if e.get("contenttype") in (None, "text/plain")]
    return text_paragraphs(ninjs_value(untyped, roles))


def is_html(content_type):
    if not isinstance(content_type, str):
        return False
    return content_type.split(";")[0].strip() in {
        "text/html",
        "application/xhtml+xml",
    }


def body_of(document):
    """What is inside <body> when `document` is a whole HTML page."""
    found = re.search(r"<body[^>]*>(.*?)(?:</body>|$)", document, re.S | re.I)
    return found.group(1) if found else document


# Taking stories in


@dataclass
class Outcome:
    """What a run did, counted."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    left_alone: int = 0
    skipped: int = 0

    def __str__(self):
        summary = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.left_alone} left alone"
        )
        if self.skipped:
            summary += f", {self.skipped} skipped (no ID, no text, or not a story)"
        return summary


def agency_author(name):
    """The Author named `name` (the agency), made when there is none."""
    author = Author.objects.filter(name=name).order_by("pk").first()
    if author is None:
        slug = unique_slug(Author, slugify(name) or "agency", max_length=150)
        author = Author.objects.create(name=name, slug=slug, role="News agency")
    return author


def unique_slug(model, base, max_length=255):
    """`base`, or `base-2`, `base-3`… the first that `model` has no row with."""
    base = base[: max_length - 8].strip("-")
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def take_in(feed, section, agency):
    """
    Write the stories of `feed` (from read_feed) as drafts in `section`
    credited to `agency` (an Author), and return the Outcome.
    """
    outcome = Outcome(skipped=feed.skipped)
    source = agency_source(agency.name)
    records = {
        record.external_id: record
        for record in ImportRecord.objects.of(source, KIND).filter(
            external_id__in=[s.external_id for s in feed.stories]
        )
    }
    articles = Article.objects.in_bulk([r.object_id for r in records.values()])
    for item in feed.stories:
        new_fingerprint = item.fingerprint()
        record = records.get(item.external_id)
        if record is None:
            article = Article(section=section, status=Article.Status.DRAFT)
            write(article, item, agency, new=True)
            outcome.new += 1
        else:
            article = articles.get(record.object_id)
            decision = record.decide(new_fingerprint, article)
            if decision == ImportRecord.Decision.UNCHANGED:
                outcome.unchanged += 1
                continue
            if (
                decision != ImportRecord.Decision.UPDATE
                or article.status != Article.Status.DRAFT
            ):
                outcome.left_alone += 1
                continue
            write(article, item, agency, new=False)
            outcome.updated += 1
        ImportRecord.record(source, KIND, item.external_id, article, new_fingerprint)
    return outcome


def write(article, item, agency, new):
    article.title = item.title
    article.standfirst = item.standfirst
    article.body = item.body
    if new:
        article.slug = unique_slug(Article, slugify(item.title) or "agency-story")
    article.save()
    if new:
        ArticleAuthor.objects.create(
            article=article, author=agency, role=ArticleAuthor.Role.AGENCY
        )
    article.tags.set(item.tags)
    verb = "Imported" if new else "Updated"
    revisions.record(article, comment=f"{verb} from {agency.name}'s feed")
