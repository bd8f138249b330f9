"""
The body as readers see it: render_body() turns an article's stored body
(docs/body-elements.md) into the reading page's HTML, each element written
here in Python (a body's elements are written on every article page after a
publish, and a template each costs several times as much); portable_body()
into HTML for places outside our pages (feed readers, email), each element
through its template in templates/includes/elements/portable/. The pictures
and articles
it refers to come from the article's prefetched reference rows
(models.body_references()), so rendering runs no query of its own.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from newsroom.escaping import escaped, safe_html

from .body import GALLERY_MAX_PICTURES, Node, parse, referenced_ids
from .cards import time_html
from .embeds import provider_for
from .models import Article, Image, ResolvedEmbed
from .templatetags.article_tags import absolute_url, picture

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
        """The template of the element `name` in a portable body."""
        return PORTABLE_TEMPLATE.format(name)

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


# A picture element's `sizes` by its placement (the column's for any other).
PICTURE_SIZES = {
    "full": "100vw",
    "wide": "(min-width: 72rem) 68rem, 100vw",
    "column": "(min-width: 52rem) 48rem, 100vw",
}


def _picture(node, references):
    context = _picture_context(node, references)
    if context is None or references.portable:
        return context and render_to_string(references.template("picture"), context)
    return _picture_html(**context)


def _picture_html(image, caption, placement, loading="lazy"):
    """
    A picture element on our pages: the library picture in its placement's
    width, its caption and credit. Written here rather than in a template,
    as every element of a reader's body is: a body's elements are written
    on every cold article page.
    """
    sizes = PICTURE_SIZES.get(placement, PICTURE_SIZES["column"])
    html = [
        f'<figure class="element-picture element-picture--{escaped(placement)}">\n'
        f"{picture(image, sizes, loading=loading)}\n"
    ]
    if caption or image.credit:
        html.append(f"<figcaption>{escaped(caption)}")
        if image.credit:
            html.append(f' <span class="credit">{escaped(image.credit)}</span>')
        html.append("</figcaption>")
    html.append("\n</figure>\n")
    return safe_html("".join(html))  # every value escaped above


def _gallery(node, references, lead=False):
    shown = [
        context
        for child in node.pictures()[:GALLERY_MAX_PICTURES]
        if (context := _picture_context(child, references))
    ]
    references.galleries += bool(shown)
    if not shown or references.portable:
        return shown and render_to_string(
            references.template("gallery"),
            {"pictures": shown, "lead": lead, "article": references.article},
        )
    count = len(shown)
    html = [
        f'<section class="gallery" aria-label="Gallery of {count} '
        f'picture{"" if count == 1 else "s"}" data-gallery>\n'
        '<ol class="gallery__pictures">\n'
    ]
    for n, context in enumerate(shown):
        loading = "eager" if lead and n == 0 else "lazy"
        html.append(
            '<li class="gallery__item">'
            f"{_picture_html(context['image'], context['caption'], 'column', loading)}"
            "</li>\n"
        )
    html.append("</ol>\n</section>\n")
    return safe_html("".join(html))  # every value escaped by _picture_html


def _embed(node, references):
    url = node.attrs.get("data-url")
    embed = references.embeds.get(url)
    references.facades += embed is not None
    if not url or references.portable:
        return url and render_to_string(
            references.template("embed"), {"url": url, "embed": embed}
        )
    return embed_html(url, embed)


def embed_html(url, embed):
    """
    An embed element on our pages, of the pasted `url` and its ResolvedEmbed
    (None until the worker has resolved it). Unresolved: a link card, the
    URL linked and its provider's name. Resolved: the facade, our copy of
    the thumbnail, the title and a button; nothing is requested from the
    provider until the reader presses it (articles/static/articles/
    embed-facade.js puts the sandboxed iframe in its place; the article page
    loads it when a facade is shown, ReaderBody.has_facade). Without
    JavaScript the button stays hidden and the link to the original is the
    way there.
    """
    if embed is None:
        provider = provider_for(url)
        return safe_html(  # every value escaped
            '<figure class="embed embed--card">\n'
            f'<a class="embed__original" href="{escaped(url)}">{escaped(url)}</a>\n'
            + (
                f'<span class="embed__provider">{escaped(provider.name)}</span>'
                if provider and provider.name
                else ""
            )
            + "\n</figure>\n"
        )
    provider = escaped(embed.provider)
    html = [
        '\n<figure class="embed embed--facade" '
        f'data-embed-src="{escaped(embed.iframe_src)}" '
        f'data-embed-title="{escaped(embed.title or embed.provider)}" '
        f'data-embed-ratio="{embed.aspect_ratio:.4f}">\n'
        '<div class="embed__frame">\n'
    ]
    if thumbnail := embed.thumbnail:
        html.append(
            f'<img class="embed__thumbnail" src="{escaped(thumbnail.url)}" '
            f'width="{escaped(embed.thumbnail_width)}" '
            f'height="{escaped(embed.thumbnail_height)}" alt="" loading="lazy" '
            'decoding="async">'
        )
    html.append(
        '\n<div class="embed__consent" hidden>\n'
        f'<button type="button" class="embed__show">Show {provider} content</button>\n'
        '<p class="embed__note">Pressing the button loads content from '
        f"{provider}, which may set cookies and track you.</p>\n"
        "</div>\n</div>\n<figcaption>\n"
        f'<a class="embed__original" href="{escaped(url)}">'
        f"{escaped(embed.title or url)}</a>\n"
        f'<span class="embed__provider">{provider}'
    )
    if embed.author_name:
        html.append(f" · {escaped(embed.author_name)}")
    html.append("</span>\n</figcaption>\n</figure>\n")
    return safe_html("".join(html))  # every value escaped above


def _inside(nodes, references):
    """What is inside an element, rendered (elements within it included)."""
    return safe_html("".join(_render(child, references) for child in nodes))


def _pull_quote(node, references):
    cite = node.first("cite")
    words = [child for child in node.children if child is not cite]
    words = _inside(words, references)
    cite = _inside(cite.children, references) if cite else ""
    if references.portable:
        return render_to_string(
            references.template("pull_quote"), {"words": words, "cite": cite}
        )
    cite = f"<figcaption>{cite}</figcaption>" if cite else ""
    return safe_html(  # rendered by _inside
        f'<figure class="pull-quote">\n<blockquote>{words}</blockquote>\n'
        f"{cite}\n</figure>\n"
    )


def _fact_box(node, references):
    content = _inside(node.children, references)
    if references.portable:
        return render_to_string(references.template("fact_box"), {"content": content})
    return safe_html(f'<aside class="fact-box">{content}</aside>\n')  # by _inside


def _read_more(node, references):
    pk = node.attrs.get("data-article")
    article = references.articles.get(int(pk)) if pk else None
    if article is None or references.portable:
        return article and render_to_string(
            references.template("read_more"), {"card": article}
        )
    image = article.lead_picture
    image = (
        picture(image, "8rem", shape="card", css_class="read-more__picture")
        if image
        else ""
    )
    return safe_html(  # every value escaped
        '<aside class="read-more" aria-label="Read more">\n'
        f'<a class="read-more__link" href="{escaped(article.get_absolute_url())}">\n'
        f'{image}\n<span class="read-more__label">Read more</span>\n'
        f'<span class="read-more__title">{escaped(article.title)}</span>\n'
        "</a>\n</aside>\n"
    )


def _update(node, references):
    at = node.attrs.get("data-at")
    at = timezone.make_aware(datetime.fromisoformat(at)) if at else None
    content = _inside(node.children, references)
    if references.portable:
        return render_to_string(
            references.template("update"), {"at": at, "content": content}
        )
    at = f", {time_html(at, 'time')}" if at else ""
    return safe_html(  # every value escaped, the content by _inside
        '<aside class="update-note">\n<p class="update-note__when"><strong>'
        f"Update{at}:</strong></p>\n{content}\n</aside>\n"
    )


def _table(node, references):
    table = _tag(node, references) + _inside(node.children, references) + "</table>"
    if references.portable:
        return render_to_string(
            references.template("table"), {"table": safe_html(table)}
        )
    return safe_html(  # its tags written by _tag, its content by _inside
        '<div class="element-table" role="region" aria-label="Table" tabindex="0">'
        f"{table}</div>\n"
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
        return escaped(node)  # text, as html.escape() writes it
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
                self.lead_gallery = safe_html(
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
