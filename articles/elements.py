"""
The body as readers see it: render_body() turns an article's stored body
(docs/body-elements.md) into the reading page's HTML, each element through
its template in templates/includes/elements/; portable_body() into HTML for
places outside our pages (feed readers, email), each element through its
template in templates/includes/elements/portable/. The pictures and articles
it refers to come from the article's prefetched reference rows
(models.body_references()), so rendering runs no query of its own.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .body import GALLERY_MAX_PICTURES, Node, parse, referenced_ids
from .models import Article, Image, ResolvedEmbed
from .templatetags.article_tags import absolute_url

ELEMENT_TEMPLATE = "includes/elements/{}.html"
PORTABLE_TEMPLATE = "includes/elements/portable/{}.html"


class BodyReferences:
    """
    What bodies' elements refer to, from reference rows already read (an
    article's prefetched body_references, its live entries' among them when
    asked for): pictures whose rights hold, articles that are live, embeds
    the worker has resolved. `portable`: rendered for places outside our
    pages (portable_body()), for `article`.
    """

    portable = False
    article = None

    def __init__(self, rows, article=None, portable=False):
        self.article = article
        self.portable = portable
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

    @classmethod
    def looked_up(cls, body):
        """
        What `body` refers to, read for it: for a body with no reference
        rows (a static page's), at most one query for each kind it holds
        (pictures, articles with what their cards show, embeds).
        """
        ids = referenced_ids(body)
        references = cls(())
        references.pictures = {
            pk: image
            for pk, image in Image.objects.in_bulk(ids["image"]).items()
            if not image.rights_expired()
        }
        references.articles = (
            Article.objects.published()
            .select_related("section", "lead_image")
            .defer("body", "search_vector")
            .in_bulk(ids["article"])
        )
        references.embeds = {
            embed.url: embed
            for embed in ResolvedEmbed.objects.filter(url__in=ids["embed"])
            if embed.is_resolved
        }
        return references

    def shown_pictures(self):
        """The library pictures it shows, its cards' included (to prefetch)."""
        cards = [article.lead_image for article in self.articles.values()]
        return [*self.pictures.values(), *filter(None, cards)]

    def template(self, name):
        """The template of the element `name`, for our page or a portable one."""
        return (PORTABLE_TEMPLATE if self.portable else ELEMENT_TEMPLATE).format(name)

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
        "caption": _inside(caption.children, references) if caption else "",
        "placement": node.attrs.get("data-placement", "column"),
    }


def _picture(node, references):
    context = _picture_context(node, references)
    return context and render_to_string(references.template("picture"), context)


def _gallery(node, references, lead=False):
    shown = [
        context
        for child in node.pictures()[:GALLERY_MAX_PICTURES]
        if (context := _picture_context(child, references))
    ]
    references.galleries += bool(shown)
    return shown and render_to_string(
        references.template("gallery"),
        {"pictures": shown, "lead": lead, "article": references.article},
    )


def _embed(node, references):
    url = node.attrs.get("data-url")
    embed = references.embeds.get(url)
    references.facades += embed is not None
    return url and render_to_string(
        references.template("embed"), {"url": url, "embed": embed}
    )


def _inside(nodes, references):
    """What is inside an element, rendered (elements within it included)."""
    return mark_safe("".join(_render(child, references) for child in nodes))


def _pull_quote(node, references):
    cite = node.first("cite")
    words = [child for child in node.children if child is not cite]
    return render_to_string(
        references.template("pull_quote"),
        {
            "words": _inside(words, references),
            "cite": _inside(cite.children, references) if cite else "",
        },
    )


def _fact_box(node, references):
    return render_to_string(
        references.template("fact_box"),
        {"content": _inside(node.children, references)},
    )


def _read_more(node, references):
    pk = node.attrs.get("data-article")
    article = references.articles.get(int(pk)) if pk else None
    return article and render_to_string(
        references.template("read_more"), {"card": article}
    )


def _update(node, references):
    at = node.attrs.get("data-at")
    return render_to_string(
        references.template("update"),
        {
            "at": timezone.make_aware(datetime.fromisoformat(at)) if at else None,
            "content": _inside(node.children, references),
        },
    )


def _table(node, references):
    table = _tag(node, references) + _inside(node.children, references) + "</table>"
    return render_to_string(references.template("table"), {"table": mark_safe(table)})


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
    return _tag(node, references) + inner + node.end_tag()


def _tag(node, references):
    """
    A text tag's start tag; in a portable body, with its link made absolute
    and nothing that needs our pages (data- attributes, classes).
    """
    if not references.portable:
        return node.start_tag()
    attrs = {
        name: absolute_url(value) if name == "href" else value
        for name, value in node.attrs.items()
        if not name.startswith("data-") and name != "class"
    }
    styles = getattr(references, "styles", {})
    if node.tag in styles:
        attrs["style"] = styles[node.tag]
    return Node(node.tag, attrs).start_tag()


class ReaderBody:
    """
    An article's body as readers see it: `html`, each element through its
    template; `lead_gallery`, a Pictures article's first gallery (shown in
    the lead's place, and so not again in the body) and `lead_image`, its
    first picture (preloaded in the head); `has_gallery` and
    `has_facade`, whether the page needs the gallery viewer and the embeds'
    facade script. Uses the article's prefetched
    body_references (models.body_references()): no query; or, for a
    static page, the `references` read for it (BodyReferences.looked_up).
    """

    def __init__(self, article, references=None):
        root = parse(article.body)
        if references is None:
            references = BodyReferences(article.body_references.all())
        children = list(root.children)
        self.lead_gallery = ""
        self.lead_image = None
        # A static page (given its `references`) has no kind.
        if getattr(article, "kind", None) == "pictures":
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


def portable_body(article):
    """
    The article's body as HTML for places outside our pages, feed readers
    and email: links and pictures absolute; a picture a plain <figure> with
    its mid-size JPEG, caption and credit; an embed our copy of its
    thumbnail and its title linked to the original (a link card while
    unresolved); a gallery its first picture and a link to the article
    saying how many pictures it holds; no script, iframe, data- attribute
    or class. Like the page, from the prefetched body_references: no query
    (portable pictures need their renditions prefetched, prefetch_renditions).
    """
    references = BodyReferences(article.body_references.all(), article, portable=True)
    return _inside(parse(article.body).children, references)


def portable_text(body, styles=None):
    """
    A body that belongs to no article (a newsletter edition's note) as
    portable HTML: its text markup with absolute links; an element that
    would refer to a picture, article or embed keeps only its words. No query.
    `styles`: inline styles by tag, for mail ({"a": "color: #9b1c1c"}).
    """
    references = BodyReferences((), portable=True)
    references.styles = styles or {}
    return _inside(parse(body).children, references)
