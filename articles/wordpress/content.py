"""
A WordPress post's content as a body of ours (docs/body-elements.md).

Classic content (no block markup) gets WordPress's own treatment first:
`[caption]` becomes a picture element with its caption, `[gallery]` a
gallery, `[embed]` and a video or social URL alone on its line an embed,
and double newlines paragraphs (autop). Block content (`<!-- wp:… -->`)
is already HTML: its image, gallery and embed blocks become elements and
the block comments go. In both, an <img> elsewhere becomes a picture
element. Other shortcodes stay as text and are reported.

Pictures are looked up through `picture(attachment_id, url)`, which gives
a library picture's id or None (its file is missing: the picture is left
out).
"""

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from ..embeds import provider_for

TOKEN = re.compile(r"WPELEMENT(\d+)WP")
IMG = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b([^>]*?)/?>(?:\s*</a>)?", re.I)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
CAPTION = re.compile(r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.S | re.I)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
GALLERY_IDS = re.compile(r"\[gallery\b[^\]]*\b(?:ids|include)=", re.I)
IMG_START = re.compile(r"<img\b([^>]*?)/?>", re.I)
WP_IMAGE = re.compile(r"wp-image-(\d+)")
IDS = re.compile(r"""\b(?:ids|include)=["']?([\d, ]+)""")
BLOCK_ID = re.compile(r'<!--\s*wp:(?:image|gallery)\s*\{[^}]*"ids?":\[?([\d,]+)')
EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\]")
LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
IMAGE_BLOCK = re.compile(
    r"<!--\s*wp:image\s*(\{.*?\})?\s*-->(.*?)<!--\s*/wp:image\s*-->", re.S
)
GALLERY_BLOCK = re.compile(
    r"<!--\s*wp:gallery\s*(\{.*?\})?\s*-->(.*?)<!--\s*/wp:gallery\s*-->", re.S
)
EMBED_BLOCK = re.compile(
    r"<!--\s*wp:((?:core-)?embed(?:/[\w-]+)?)\s*(\{.*?\})?\s*-->(.*?)"
    r"<!--\s*/wp:\1\s*-->",
    re.S,
)
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S | re.I)
PICTURE_IN_GALLERY = re.compile(
    r"<img\b([^>]*?)/?>(?:\s*</a>)?(?:(?:(?!<img\b).)*?<figcaption\b[^>]*>"
    r"(.*?)</figcaption>)?",
    re.S | re.I,
)
BLOCK_TAGS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol"
    r"|li|pre|form|blockquote|address|style|p|h[1-6]|hr|section|article|aside"
    r"|header|footer|nav|figure|figcaption|details|summary)"
)
BLOCK_START = re.compile(rf"(<{BLOCK_TAGS}[\s/>])", re.I)
BLOCK_END = re.compile(rf"(</{BLOCK_TAGS}>)", re.I)
STARTS_WITH_BLOCK = re.compile(rf"</?{BLOCK_TAGS}[\s/>]|WPELEMENT\d+WP$", re.I)
# Sites whose addresses alone on a line WordPress shows as an embed.
EMBED_HOSTS = {
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "facebook.com",
    "tiktok.com",
    "soundcloud.com",
    "open.spotify.com",
    "flickr.com",
    "dailymotion.com",
}
SIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[^\s\"'<>`\\]*)?")


def plain(value):
    """HTML (or text with entities) as plain words on one line."""
    return " ".join(html.unescape(strip_tags(value or "")).split())


def attributes(text):
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in ATTRIBUTE.finditer(text or "")
    }


def pictures_in(content):
    """
    The pictures a post's content shows, as (attachment id or None, address,
    alt text) triples, found without converting it: what to fetch before
    converting.
    """
    found = []
    for text in IMG_START.findall(content or ""):
        attrs = attributes(text)
        ident = WP_IMAGE.search(text)
        found.append(
            (
                int(ident.group(1)) if ident else None,
                attrs.get("src", ""),
                attrs.get("alt", ""),
            )
        )
    for match in [*IDS.finditer(content or ""), *BLOCK_ID.finditer(content or "")]:
        found += [(int(pk), "", "") for pk in re.findall(r"\d+", match.group(1))]
    for match in CAPTION.finditer(content or ""):
        ident = attributes(match.group(1)).get("id", "").removeprefix("attachment_")
        if ident.isdigit():
            found.append((int(ident), "", ""))
    return found


def unsized(url):
    """An upload's address without WordPress's size suffix ("-300x200")."""
    return SIZED.sub("", url.split("?", 1)[0])


def embed_url(url):
    """`url` as an embed's https address when it is a video or social post."""
    url = html.unescape(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if provider_for(url) is None and host not in EMBED_HOSTS:
        return None
    if parts.scheme == "http":
        url = "https" + url[4:]
    return url if HTTPS_URL.fullmatch(url) and len(url) <= 2000 else None


@dataclass
class Body:
    """What came of one post's content."""

    html: str = ""
    pictures: list = field(default_factory=list)  # library ids, in order
    missing: list = field(default_factory=list)  # attachment ids or URLs
    shortcodes: Counter = field(default_factory=Counter)
    embeds: list = field(default_factory=list)


class Converter:
    """
    Turns one post's content into a body. `picture(attachment_id, url)` →
    a library picture's id or None; `attached(post_id)` → the attachment
    ids a `[gallery]` without ids shows.
    """

    def __init__(self, picture, attached=lambda post_id: []):
        self.picture = picture
        self.attached = attached

    def convert(self, content, post_id=0):
        self.body = Body()
        self.held = []
        content = (content or "").replace("\r\n", "\n").replace("\r", "\n")
        if "<!-- wp:" in content:
            text = self.blocks(content)
        else:
            text = self.classic(content, post_id)
        text = IMG.sub(lambda m: self.hold(self.img_picture(m.group(1))), text)
        if "<!-- wp:" not in content:
            text = autop(text)
        self.body.html = self.release(text)
        return self.body

    # Elements are held out of the text as tokens, each a paragraph of its
    # own, while the text around them is worked on; release() puts them back.

    def hold(self, element):
        if not element:
            return ""
        self.held.append(element)
        return f"\n\nWPELEMENT{len(self.held) - 1}WP\n\n"

    def release(self, text):
        text = re.sub(r"<p>\s*(WPELEMENT\d+WP)\s*</p>", r"\1", text)
        out, position = [], 0
        for match in TOKEN.finditer(text):
            before = text[position : match.start()]
            out.append(before)
            element = self.held[int(match.group(1))]
            so_far = "".join(out)
            # An element cannot sit inside a paragraph: close it around one.
            inside = so_far.lower().count("<p") > so_far.lower().count("</p>")
            out.append(f"</p>{element}<p>" if inside else element)
            position = match.end()
        out.append(text[position:])
        text = re.sub(r"<p>\s*</p>", "", "".join(out))
        return re.sub(r"\n\s*\n", "\n", text).strip()

    # Classic content

    def classic(self, content, post_id):
        text = CAPTION.sub(self.caption_shortcode, content)
        text = GALLERY.sub(lambda m: self.gallery_shortcode(m.group(1), post_id), text)
        text = EMBED.sub(lambda m: self.embed(m.group(1)) or m.group(0), text)
        for match in SHORTCODE.finditer(text):
            closing, name, attrs = match.groups()
            if not closing and ("=" in attrs or f"[/{name}]" in text):
                self.body.shortcodes[name.lower()] += 1
        return LONE_URL.sub(lambda m: self.embed(m.group(1)) or m.group(0), text)

    def caption_shortcode(self, match):
        attrs = attributes(match.group(1))
        ident = attrs.get("id", "").removeprefix("attachment_")
        return self.picture_around(
            match.group(2),
            attrs.get("caption"),
            ident if ident.isdigit() else None,
            attrs.get("align", "").removeprefix("align"),
        )

    def picture_around(self, inner, caption, ident, align):
        """
        The picture of the <img> in `inner` (a [caption] or an image block):
        its caption is `caption`, else the words around the <img>; `ident`
        the attachment's ID when the <img> does not say it.
        """
        img = IMG.search(inner)
        if img is None:
            return inner
        if caption is None:
            caption = (inner[: img.start()] + inner[img.end() :]).strip()
        attrs = attributes(img.group(1))
        classes = attrs.get("class", "")
        if ident and "wp-image-" not in classes:
            classes += f" wp-image-{ident}"
        attrs["class"] = f"{classes} align{align}"
        return self.hold(self.picture_element(attrs, caption))

    def gallery_shortcode(self, text, post_id):
        attrs = attributes(text)
        ids = attrs.get("ids") or attrs.get("include") or ""
        wanted = [int(i) for i in re.findall(r"\d+", ids)] or self.attached(post_id)
        return self.hold(self.gallery([(pk, "") for pk in wanted]))

    # Block content

    def blocks(self, content):
        text = EMBED_BLOCK.sub(self.embed_block, content)
        text = GALLERY_BLOCK.sub(self.gallery_block, text)
        text = IMAGE_BLOCK.sub(self.image_block, text)
        return BLOCK_COMMENT.sub("", text)

    def embed_block(self, match):
        settings = _json(match.group(2))
        url = settings.get("url") or next(
            iter(re.findall(r"https?://[^\s<>\"']+", match.group(3))), ""
        )
        return self.embed(url) or match.group(3)

    def gallery_block(self, match):
        settings = _json(match.group(1))
        inner = match.group(2)
        found = []
        for picture in PICTURE_IN_GALLERY.finditer(inner):
            found.append((attributes(picture.group(1)), picture.group(2) or ""))
        if not found and settings.get("ids"):
            found = [({"class": f"wp-image-{pk}"}, "") for pk in settings["ids"]]
        return self.hold(self.gallery(found))

    def image_block(self, match):
        settings = _json(match.group(1))
        caption = FIGCAPTION.search(match.group(2))
        return self.picture_around(
            match.group(2),
            caption.group(1) if caption else "",
            settings.get("id"),
            settings.get("align", ""),
        )

    # Elements

    def find_picture(self, attrs):
        """The library id of an <img>'s picture (by wp-image-N, else address)."""
        ident = re.search(r"wp-image-(\d+)", attrs.get("class", ""))
        url = attrs.get("src", "")
        pk = self.picture(int(ident.group(1)) if ident else None, url)
        if pk is None:
            self.body.missing.append(int(ident.group(1)) if ident else url)
        else:
            self.body.pictures.append(pk)
        return pk

    def img_picture(self, text):
        return self.picture_element(attributes(text), "")

    def picture_element(self, attrs, caption):
        pk = self.find_picture(attrs)
        if pk is None:
            return ""
        classes = attrs.get("class", "")
        placement = next(
            (p for p in ("wide", "full") if f"align{p}" in classes), "column"
        )
        return figure(pk, caption, placement)

    def gallery(self, pictures):
        figures = []
        for item, caption in pictures:
            attrs = item if isinstance(item, dict) else {"class": f"wp-image-{item}"}
            pk = self.find_picture(attrs)
            if pk is not None:
                figures.append(figure(pk, caption))
        if not figures:
            return ""
        return f'<figure data-element="gallery">{"".join(figures)}</figure>'

    def embed(self, url):
        url = embed_url(url or "")
        if url is None:
            return None
        self.body.embeds.append(url)
        return self.hold(
            f'<figure data-element="embed" data-url="{html.escape(url)}"></figure>'
        )


def figure(pk, caption, placement="column"):
    """A picture element: library picture `pk`, its caption here, placed."""
    placed = f' data-placement="{placement}"' if placement != "column" else ""
    caption = IMG.sub("", caption).strip()
    return (
        f'<figure data-element="picture" data-image="{pk}"{placed}>'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _json(text):
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def autop(text):
    """
    WordPress's autop, in short: text between blank lines becomes a
    paragraph, a single newline inside one a line break; block-level HTML
    and held elements stand on their own.
    """
    text = BLOCK_START.sub(r"\n\n\1", text)
    text = BLOCK_END.sub(r"\1\n\n", text)
    out = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_WITH_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\n+", "<br>\n", chunk) + "</p>")
    return "\n".join(out)
