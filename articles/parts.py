"""
What the article page shows besides the article's own row (ArticleParts),
read on first use, so that a page whose parts are kept reads none of it.
"""

from django.core.paginator import InvalidPage
from django.http import Http404
from django.utils.functional import cached_property

from . import live
from .elements import ReaderBody
from .models import (
    Article,
    body_pictures_of,
    keep_body_references,
    keep_bylines,
    keep_tags,
    prefetch_renditions,
)
from .pagination import NewerOlderPaginator


class ArticleParts:
    """
    What the article page shows besides the article's own row: its bylines,
    tags and corrections, its body's elements, and the cards below it. They
    are fetched on first use, so a page whose fragments come from the cache
    (see articles/article_detail.html) runs none of these queries. The
    article's tags, bylines and, unless it is live, what its body refers to
    come with its row (ArticleManager.page_rows), its cards' bylines with
    the cards. The cards' query is the one sent ahead, where the page will
    draw them (send_cards): the database answers it while the article
    renders.
    """

    def __init__(self, article, more_count, related_count, page_number=1):
        self._article = article
        self.more_count = more_count
        self.related_count = related_count
        self.page_number = page_number
        self._cards_sent = None

    def send_cards(self):
        """
        Send the query of the cards now (ArticleManager.send_cards_around),
        for the database to answer while the article above them renders;
        finish() must follow. It needs only the article's row and its tags,
        so it goes before the rest of the article is built.
        """
        if self._cards_sent is None:
            keep_tags(self._article)
            self._cards_sent = Article.objects.send_cards_around(
                self._article, self.more_count, self.related_count
            )

    def finish(self):
        """Done with the page: the cards' query read, if it was sent."""
        if self._cards_sent is not None:
            self._cards_sent.finish()

    @cached_property
    def _entries_page(self):
        """
        A live article's paginator of entries, the number of the page asked
        for and its entries' ids as a subquery (read with the body's
        references and with the key events); None for an ordinary article.
        A page past those offered is not found.
        """
        article = self._article
        if not article.live_state:
            return None
        paginator = NewerOlderPaginator(
            article.live_entries.newest_first(),
            live.ENTRIES_PER_PAGE,
            max_pages=live.MAX_PAGES,
        )
        try:
            number = paginator.validate_number(self.page_number)
        except InvalidPage:
            raise Http404("No such page of updates") from None
        return paginator, number, paginator.rows_of(number).values("pk")

    @cached_property
    def article(self):
        """
        The article with its bylines, tags, corrections and what its body
        refers to loaded, and its body's pictures.
        """
        article = self._article
        shown = self._entries_page and self._entries_page[2]
        keep_tags(article)
        keep_body_references(article, shown)
        keep_bylines(article)
        prefetch_renditions(body_pictures_of([article]))
        return article

    @cached_property
    def _cards(self):
        """(more, related): read as cards are, each with its bylines and picture."""
        self.send_cards()
        more, related = self._cards_sent.read()
        prefetch_renditions([card.lead_image for card in more + related])
        return more, related

    @cached_property
    def corrections(self):
        """
        The article's corrections, oldest first: none read when its row says
        it has none (ArticleQuerySet.with_corrections_flag).
        """
        article = self._article
        if not getattr(article, "has_corrections", True):
            return []
        return list(article.corrections.all())

    @cached_property
    def body(self):
        """The body as readers see it (articles.elements.ReaderBody)."""
        return ReaderBody(self.article)

    @cached_property
    def live(self):
        """
        A live article's page of entries (articles.live.LiveCoverage), None
        for an ordinary article: the page's entries and the key events, with
        their authors, in one query. A page past the last is not found.
        """
        if self._entries_page is None:
            return None
        paginator, number, shown = self._entries_page
        article = self.article
        rows = list(article.live_entries.page_and_key_events(shown).with_bylines())
        try:
            page = paginator.page_of(number, [e for e in rows if e.on_page])
        except InvalidPage:
            raise Http404("No such page of updates") from None
        return live.LiveCoverage(article, page, [e for e in rows if e.key_event])

    @property
    def more_in_section(self):
        """The latest live articles of the same section."""
        return self._cards[0]

    @property
    def related(self):
        """Live articles sharing its tags (ArticleQuerySet.around)."""
        return self._cards[1]
