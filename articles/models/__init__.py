"""
The articles app's models, one module per domain: `taxonomy` (sections,
authors, tag links), `images` (pictures), `renditions` (their renditions
and what pages read of them), `articles`
(articles and their corrections), `redirects` (old addresses, made
by hand or when an article moves), `body` (what
bodies refer to), `querysets` (what is asked of articles), `reading`
(what the reading pages ask of them, in SQL of their own or compiled once),
`cards` (what an article's card reads of it), `bylines`, `revisions`
(revisions and workflow steps), `drafts` (what an editor was writing,
saved as they type), `sharing` (share links, who has an article
open), `live` (live coverage's entries), `pages` (static pages),
`publishing` (what articles and pages share as things that go live),
`front_page` (its slots and pins), `embeds` (embeds as the worker
resolved them) and `imports` (what importers brought in, by the ID it
had at its source). The body's sanitizer is in articles/body.py, search
in articles/search.py.
"""

from ..body import BODY_EDITOR_EXTENSIONS, sanitize_body, validate_body
from .articles import WORDS_READ_A_MINUTE, Article, Correction
from .body import (
    ArticleBodyReference,
    body_pictures_of,
    body_references,
    body_references_of,
    keep_body_references,
    reference_rows,
    references_from_row,
)
from .bylines import (
    ArticleAuthor,
    ArticleAuthorQuerySet,
    bylines_in_order,
    keep_bylines,
)
from .drafts import ArticleDraft
from .embeds import ResolvedEmbed, ResolvedEmbedQuerySet
from .front_page import FrontPagePin, FrontPageSlot
from .images import (
    Image,
    ImageQuerySet,
    TaggedImage,
    day_start,
    prefetch_renditions,
)
from .imports import ImportRecord, agency_source, fingerprint
from .live import LiveEntry, LiveEntryQuerySet
from .live_state import LiveState
from .pages import Page, PageQuerySet, page_path_problem
from .prefetched import keep_prefetched
from .publishing import Publishing, PublishingQuerySet
from .querysets import ArticleManager, ArticleQuerySet
from .rebuilds import RenditionRebuild
from .redirects import Redirect, RedirectQuerySet, normalise_path
from .renditions import Rendition, ShapedPicture, StoredRendition
from .revisions import ArticleTransition, Revision
from .sharing import ArticleOpening, ShareLink
from .taxonomy import (
    Author,
    Section,
    SectionQuerySet,
    TaggedArticle,
    keep_tags,
    reader_cached,
    reserved_section_slugs,
    tags_in_order,
    tags_of,
    validate_section_slug,
)

__all__ = [
    "BODY_EDITOR_EXTENSIONS",
    "WORDS_READ_A_MINUTE",
    "Article",
    "ArticleDraft",
    "ArticleAuthor",
    "ArticleBodyReference",
    "ArticleAuthorQuerySet",
    "ArticleManager",
    "ArticleOpening",
    "ArticleQuerySet",
    "ArticleTransition",
    "Author",
    "Correction",
    "FrontPagePin",
    "FrontPageSlot",
    "Image",
    "ImportRecord",
    "LiveEntry",
    "LiveEntryQuerySet",
    "LiveState",
    "Page",
    "PageQuerySet",
    "Publishing",
    "PublishingQuerySet",
    "ImageQuerySet",
    "Redirect",
    "RedirectQuerySet",
    "Rendition",
    "RenditionRebuild",
    "ResolvedEmbed",
    "ResolvedEmbedQuerySet",
    "Revision",
    "Section",
    "SectionQuerySet",
    "ShapedPicture",
    "ShareLink",
    "StoredRendition",
    "TaggedArticle",
    "TaggedImage",
    "body_pictures_of",
    "body_references",
    "body_references_of",
    "keep_body_references",
    "keep_prefetched",
    "keep_tags",
    "reference_rows",
    "references_from_row",
    "bylines_in_order",
    "keep_bylines",
    "day_start",
    "agency_source",
    "fingerprint",
    "normalise_path",
    "page_path_problem",
    "prefetch_renditions",
    "reader_cached",
    "reserved_section_slugs",
    "sanitize_body",
    "tags_in_order",
    "tags_of",
    # Named by migrations 0001 and 0010.
    "validate_body",
    "validate_section_slug",
]
