"""
Cached pages are dropped whenever something a reader sees changes.

Receivers rather than save() overrides: they also fire for deletes by
queryset and by cascade, for taggit's tag changes (which save and delete
TaggedArticle rows behind the article's back) and for models of other apps
(newsletter promos on article pages, taggit's tags). Bulk writes send no
signal: ArticleQuerySet bumps the version itself, and load_demo bumps it once
at the end. Other models' queryset update() is not seen: use save().
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.cache import content_changed

READER_VISIBLE = [
    "articles.Article",
    "articles.ArticleAuthor",
    "articles.Author",
    "articles.Correction",
    "articles.Image",
    "articles.Rendition",
    "articles.Section",
    "articles.TaggedArticle",
    "taggit.Tag",
    "subscriptions.Newsletter",
]


def connect():
    for model in READER_VISIBLE:
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=model, dispatch_uid="pages")
    m2m_changed.connect(
        content_changed, sender="articles.TaggedArticle", dispatch_uid="pages"
    )
