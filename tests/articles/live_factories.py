"""Live articles and their entries for the live coverage tests."""

from articles.models import Article, LiveEntry
from tests.factories import make_article


def make_live_article(**kwargs):
    kwargs.setdefault("live_state", Article.LiveState.LIVE)
    return make_article(**kwargs)


def make_entry(article, body="<p>Water is over the quay wall.</p>", **kwargs):
    authors = kwargs.pop("authors", ())
    entry = LiveEntry.objects.create(article=article, body=body, **kwargs)
    if authors:
        entry.authors.set(authors)
    return entry
