"""
Reading agency feeds: RSS 2.0, Atom 1.0 and IPTC's ninjs (2.x, and 1.x's
names where they differ), told apart by their content, each item reduced to
a Story (and its first Picture). What cannot be read raises FeedError with
one line saying why.
"""

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field

from ..body import plain_text
from ..models import fingerprint

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
# The widest picture taken from an agency's renditions, when it offers several.
PICTURE_MAX_WIDTH = 3000
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
class Picture:
    """A story's picture at the agency: where it is and what is said of it."""

    url: str
    external_id: str
    caption: str = ""
    by: str = ""
    alt_text: str = ""


@dataclass
class Story:
    """One story as the agency sent it, reduced to what a draft takes."""

    external_id: str
    title: str
    standfirst: str = ""
    body: str = ""
    tags: list = field(default_factory=list)
    picture: Picture | None = None

    def fingerprint(self):
        return fingerprint(asdict(self))


@dataclass
class Feed:
    """What a feed held: its stories, and how many items were passed over."""

    stories: list
    skipped: int = 0


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


def story(external_id, title, summary_html, body_html, tags, picture=None):
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
        picture=picture,
    )


def picture(url, caption="", by="", alt_text="", external_id=""):
    """A Picture, or None unless `url` is an http(s) address."""
    if not isinstance(url, str) or not re.match(r"https?://", url.strip()):
        return None
    url = printable(url).strip()
    return Picture(
        url=url,
        external_id=printable(external_id).strip()[:255] or url[:255],
        caption=printable(plain_text(caption))[:500],
        by=printable(plain_text(by))[:150],
        alt_text=printable(plain_text(alt_text))[:300],
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
        picture=rss_picture(item),
    )


def rss_picture(item):
    """The first picture of an RSS item: Media RSS content, else an enclosure."""
    contents = item.findall(f"{MEDIA}content")
    contents += item.findall(f"{MEDIA}group/{MEDIA}content")
    for media in contents:
        if media.get("medium") == "image" or is_image(media.get("type")):
            return picture(
                media.get("url"),
                caption=text_of(media, f"{MEDIA}description")
                or text_of(item, f"{MEDIA}description"),
                by=text_of(media, f"{MEDIA}credit") or text_of(item, f"{MEDIA}credit"),
                alt_text=text_of(media, f"{MEDIA}title"),
            )
    for enclosure in item.findall("enclosure"):
        if is_image(enclosure.get("type")):
            return picture(enclosure.get("url"))
    return None


def is_image(content_type):
    return isinstance(content_type, str) and content_type.startswith("image/")


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
        picture=next(
            (
                picture(link.get("href"), caption=link.get("title", ""))
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel") == "enclosure" and is_image(link.get("type"))
            ),
            None,
        ),
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
    return story(
        item["uri"], html.escape(headline), summary, body, names, ninjs_picture(item)
    )


def ninjs_picture(item):
    """
    The first associated picture, in its widest rendition up to
    PICTURE_MAX_WIDTH (associations are a list in ninjs 2, an object of
    named ones in ninjs 1, and so are renditions).
    """
    for association in values_of(item.get("associations")):
        if not isinstance(association, dict) or text(association, "type") != "picture":
            continue
        renditions = [
            r
            for r in values_of(association.get("renditions"))
            if isinstance(r, dict) and isinstance(r.get("href"), str)
        ]
        if not renditions:
            continue
        fitting = [r for r in renditions if width_of(r) <= PICTURE_MAX_WIDTH]
        rendition = max(fitting or renditions, key=width_of)
        caption = ninjs_value(association.get("descriptions"), ("caption", "text"))
        return picture(
            rendition["href"],
            caption=html.escape(caption or text(association, "description_text")),
            by=html.escape(text(association, "by") or text(association, "byline")),
            alt_text=html.escape(
                ninjs_value(association.get("headlines"), ("main",))
                or text(association, "headline")
            ),
            external_id=text(association, "uri"),
        )
    return None


def values_of(value):
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []


def width_of(rendition):
    width = rendition.get("width")
    is_number = isinstance(width, int | float) and not isinstance(width, bool)
    return width if is_number else 0


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
