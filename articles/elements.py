"""
The body as readers see it: render_body() turns an article's stored body
(docs/body-elements.md) into the reading page's HTML, each element through
its template in templates/includes/elements/. The pictures and articles it
refers to come from the article's prefetched reference rows
(models.body_references()), so rendering runs no query of its own.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .body import GALLERY_MAX_PICTURES, parse

ELEMENT_TEMPLATE = "includes/elements/{}.html"


class BodyReferences:
    """
    What bodies' elements refer to, from reference rows already read (an
    article's prefetched body_references, its live entries' among them when
    asked for): pictures whose rights hold, articles that are live, embeds
    the worker has resolved.
    """

    def __init__(self, rows):
        self.pictures = {}
        self.articles = {}
        self.embeds = {}
        for row in rows:
            if row.image_id and not row.image.rights_expired():
                self.pictures[row.image_id] = row.image
            elif row.target_id and row.target.is_published():
                self.articles[row.target_id] = row.target
            elif row.embed_id and row.embed and row.embed.is_resolved:
                self.embeds[row.embed_id] = row.embed
        # Galleries and embed facades rendered so far: the page loads the
        # gallery viewer and the facades' script only when there are.
        self.galleries = 0
        self.facades = 0

    def picture(self, node):
        """A picture element's library picture; None if gone or its rights lapsed."""
        pk = node.attrs.get("data-image")
        return self.pictures.get(int(pk)) if pk else None


def _picture_context(node, references):
    image = references.picture(node)
    if image is None:
        return None
    caption = node.first("figcaption")
    return {
        "image": image,
        "caption": mark_safe(caption.inner_html()) if caption else "",
        "placement": node.attrs.get("data-placement", "column"),
    }


def _picture(node, references):
    context = _picture_context(node, references)
    return context and render_to_string(ELEMENT_TEMPLATE.format("picture"), context)


def _gallery(node, references, lead=False):
    shown = [
        context
        for child in node.pictures()[:GALLERY_MAX_PICTURES]
        if (context := _picture_context(child, references))
    ]
    references.galleries += bool(shown)
    return shown and render_to_string(
        ELEMENT_TEMPLATE.format("gallery"), {"pictures": shown, "lead": lead}
    )


def _embed(node, references):
    url = node.attrs.get("data-url")
    embed = references.embeds.get(url)
    references.facades += embed is not None
    return url and render_to_string(
        ELEMENT_TEMPLATE.format("embed"), {"url": url, "embed": embed}
    )


def _inside(nodes, references):
    """What is inside an element, rendered (elements within it included)."""
    return mark_safe("".join(_render(child, references) for child in nodes))


def _pull_quote(node, references):
    cite = node.first("cite")
    words = [child for child in node.children if child is not cite]
    return render_to_string(
        ELEMENT_TEMPLATE.format("pull_quote"),
        {
            "words": _inside(words, references),
            "cite": _inside(cite.children, references) if cite else "",
        },
    )


def _fact_box(node, references):
    return render_to_string(
        ELEMENT_TEMPLATE.format("fact_box"),
        {"content": _inside(node.children, references)},
    )


def _read_more(node, references):
    pk = node.attrs.get("data-article")
    article = references.articles.get(int(pk)) if pk else None
    return article and render_to_string(
        ELEMENT_TEMPLATE.format("read_more"), {"card": article}
    )


def _update(node, references):
    at = node.attrs.get("data-at")
    return render_to_string(
        ELEMENT_TEMPLATE.format("update"),
        {
            "at": timezone.make_aware(datetime.fromisoformat(at)) if at else None,
            "content": _inside(node.children, references),
        },
    )


def _table(node, references):
    return render_to_string(
        ELEMENT_TEMPLATE.format("table"), {"table": mark_safe(str(node))}
    )


RENDERERS = {
    "picture": _picture,
    "gallery": _gallery,
    "embed": _embed,
    "pull-quote": _pull_quote,
    "fact-box": _fact_box,
    "read-more": _read_more,
    "update": _update,
}


def _render(node, references):
    if isinstance(node, str):
        return escape(node)
    if node.tag == "table":
        return _table(node, references)
    renderer = RENDERERS.get(node.element)
    if renderer:
        return renderer(node, references) or ""
    inner = _inside(node.children, references)
    if node.tag in ("figure", "aside"):
        # What is left of an element that refers to nothing: its words.
        return inner
    return node.start_tag() + inner + node.end_tag()


class ReaderBody:
    """
    An article's body as readers see it: `html`, each element through its
    template; `lead_gallery`, a Pictures article's first gallery (shown in
    the lead's place, and so not again in the body) and `lead_image`, its
    first picture (preloaded in the head); `has_gallery` and
    `has_facade`, whether the page needs the gallery viewer and the embeds'
    facade script. Uses the article's prefetched
    body_references (models.body_references()): no query.
    """

    def __init__(self, article):
        root = parse(article.body)
        references = BodyReferences(article.body_references.all())
        children = list(root.children)
        self.lead_gallery = ""
        self.lead_image = None
        if article.kind == article.Kind.PICTURES:
            gallery = next((n for n in root.nodes() if n.element == "gallery"), None)
            if gallery is not None:
                children.remove(gallery)
                first = next(
                    filter(None, map(references.picture, gallery.pictures())), None
                )
                self.lead_image = first
                self.lead_gallery = mark_safe(
                    _gallery(gallery, references, lead=True) or ""
                )
        self.html = _inside(children, references)
        self.has_gallery = references.galleries > 0
        self.has_facade = references.facades > 0


def render_body(article):
    """The article's body as reader HTML (ReaderBody.html)."""
    return ReaderBody(article).html
