"""
What readers see: models declared ReaderVisible, whose every change bumps the
content version (newsroom.cache.versions) and so drops every kept page, part
and value.

A model is watched because of what it is: subclassing ReaderVisible connects
its save, delete and many-to-many signals as the class is made, so no list
elsewhere has to be kept in step. Receivers rather than save() overrides:
they also fire for deletes by queryset and by cascade, and for taggit's tag
changes (which save and delete tag rows behind the article's back). Bulk
writes, which send no signal, go through ReaderVisibleQuerySet.
"""

from django.db import models, transaction
from django.db.models.signals import class_prepared, m2m_changed, post_delete, post_save

from .versions import bump_content_version

# Labels ("app_label.Model") of every model whose changes bump the version.
watched = set()


def content_changed(**kwargs):
    """
    Signal receiver for anything a reader sees. Bumps now, so later reads in
    the same transaction miss, and again once the transaction commits, so a
    page another reader cached from the old rows meanwhile is dropped too.
    """
    bump_content_version()
    transaction.on_commit(bump_content_version)


class ReaderVisibleQuerySet(models.QuerySet):
    """
    A queryset whose bulk writes, which send no signal, drop the cached pages
    as a save would.
    """

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        content_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        content_changed()
        return updated

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        content_changed()
        return updated


class ReaderVisible:
    """
    Mixed into a model readers see on the public pages
    (`class Section(ReaderVisible, models.Model)`): saving or deleting a row,
    or changing a many-to-many relation through it, drops every kept page.
    `reader_visible_also` names models of other apps ("app_label.Model")
    that readers see only through this one, such as taggit's Tag through the
    articles' tag rows: they are watched with it. A plain class rather than
    an abstract model, so that importing it needs no app registry (the WSGI
    module imports the cache before Django is set up).
    """

    reader_visible_also = ()


def watch(model):
    """Bump the content version whenever `model` (a class or label) changes."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, sender=model, dispatch_uid="pages")
    watched.add(model if isinstance(model, str) else model._meta.label)


def watch_reader_visible(sender, **kwargs):
    if issubclass(sender, ReaderVisible):
        for model in (sender, *sender.reader_visible_also):
            watch(model)


class_prepared.connect(watch_reader_visible, dispatch_uid="reader-visible")
