"""
Pages of lists that may be long, with Newer and Older links and no total
(NewerOlderPaginator): a section's, an author's or a tag's articles, a live
article's entries.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.paginator import Page as PaginatorPage


class NewerOlderPage(PaginatorPage):
    def __init__(self, object_list, number, paginator, has_more):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self):
        return self._has_more


class NewerOlderPaginator(Paginator):
    """
    Pages of a list that may be long (a section's archive) with Newer and
    Older links and no total: nothing is counted, a page reads one row more
    than it shows to know whether an older page follows, and only the first
    `max_pages` are offered, so no page needs a deep OFFSET. A page costs the
    same with a thousand articles or a hundred thousand. Older articles are
    reached through search, the feeds and the sitemaps.
    """

    # Not counted: templates show no "of N" (includes/pagination.html).
    num_pages = None

    def __init__(self, *args, max_pages=50, **kwargs):
        self.max_pages = max_pages
        super().__init__(*args, **kwargs)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if not 1 <= number <= self.max_pages:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        return self.page_of(number, list(self.rows_of(number)))

    def rows_of(self, number):
        """What page `number` reads (one row more than it shows), not yet run."""
        bottom = (number - 1) * self.per_page
        return self.object_list[bottom : bottom + self.per_page + 1]

    def page_of(self, number, rows):
        """Page `number` from its rows (rows_of()) read by its caller."""
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        has_more = len(rows) > self.per_page and number < self.max_pages
        return NewerOlderPage(rows[: self.per_page], number, self, has_more)
