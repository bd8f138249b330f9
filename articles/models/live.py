"""
Live coverage: an Article whose `live_state` is live or ended, and its
entries, posted as the news breaks by several editors at once (each entry a
row of its own, so no post is lost and none conflicts with another).
"""

import json
from datetime import timedelta

from django.db import models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, JSONObject
from django_prose_editor.fields import ProseEditorField

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.fields import staff_member

from ..body import (
    BODY_EDITOR_EXTENSIONS,
    first_words,
    referenced_ids,
    sanitize_body,
    sanitize_once,
    validate_body,
)
from .articles import Article
from .body import refresh_body_references
from .taxonomy import Author

# An entry edited later than this after it was posted says "Updated 14:32".
UPDATED_AFTER = timedelta(minutes=1)


class LiveEntryQuerySet(ReaderVisibleQuerySet):
    def newest_first(self):
        """The pinned entry first, then the others, newest first."""
        return self.order_by("-pinned", "-created_at", "-pk")

    def key_events(self):
        return self.filter(key_event=True).order_by("-created_at", "-pk")

    def newer_than(self, entry_id):
        """Entries posted after the entry `entry_id` (ids only grow)."""
        return self.filter(pk__gt=entry_id).order_by("-created_at", "-pk")

    def page_and_key_events(self, page):
        """
        The entries of a page (`page`, a subquery of their ids), each with
        `on_page` true, and every key event, in one query, pinned first then
        newest first: a page of a live article reads its entries and its
        key events together.
        """
        return (
            self.filter(Q(pk__in=page) | Q(key_event=True))
            .annotate(
                on_page=ExpressionWrapper(Q(pk__in=page), output_field=BooleanField())
            )
            .newest_first()
        )

    def with_bylines(self):
        """
        Each entry with its authors (LiveEntry.byline) read in the same
        query, as a list of their ids, names and addresses' slugs: a page
        of entries costs one query whoever wrote them.
        """
        authors = (
            self.model.authors.through.objects.filter(liveentry=OuterRef("pk"))
            .values("liveentry")
            .annotate(
                found=StringAgg(
                    Cast(
                        JSONObject(
                            pk="author__pk", name="author__name", slug="author__slug"
                        ),
                        TextField(),
                    ),
                    Value(","),
                )
            )
            .values("found")
        )
        return self.annotate(byline_found=Subquery(authors))

    def bulk_create(self, objs, *args, **kwargs):
        # As LiveEntry.save(): what the bodies show is recorded for the page.
        objs = list(objs)
        for entry in objs:
            entry.body = sanitize_body(entry.body)
        created = super().bulk_create(objs, *args, **kwargs)
        for entry in created:
            ids = referenced_ids(entry.body)
            if entry.pk and any(ids.values()):
                refresh_body_references(entry.article, ids, entry=entry)
        return created


class LiveEntry(ReaderVisible, models.Model):
    """
    One update of a live article: when, by whom, an optional headline and a
    body holding any body element an article may (docs/body-elements.md).
    At most one entry of an article is pinned (shown first); any may be a
    key event (listed at the top of the page with a link to it).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="live_entries"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    authors = models.ManyToManyField(Author, related_name="live_entries", blank=True)
    posted_by = staff_member(editable=False)
    headline = models.CharField(max_length=255, blank=True)
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_once,
        validators=[validate_body],
    )
    pinned = models.BooleanField(default=False)
    key_event = models.BooleanField("key event", default=False)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "live entries"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["article", "-pinned", "-created_at", "-id"],
                name="live_entry_page_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(pinned=True),
                name="live_entry_one_pinned",
                violation_error_message="Only one entry of an article may be pinned.",
            )
        ]

    def __str__(self):
        return self.headline or self.first_line() or f"Entry {self.pk}"

    def save(self, *args, **kwargs):
        # As Article.save(): the shell and scripts skip the form's cleaning.
        self.body = sanitize_body(self.body)
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            refresh_body_references(self.article, referenced_ids(self.body), entry=self)

    @property
    def byline(self):
        """
        Its authors, by name: read with the entry (LiveEntryQuerySet.
        with_bylines()) when it was, else from its many-to-many relation.
        """
        found = getattr(self, "byline_found", False)
        if found is False:
            return list(self.authors.all())
        authors = [Author(**author) for author in json.loads(f"[{found or ''}]")]
        return sorted(authors, key=lambda author: (author.name, author.pk))

    def first_line(self, words=20):
        """The entry's first words, as a reader reads them."""
        return first_words(self.body, words)

    def was_updated(self):
        """Edited after it was posted (shown "Updated 14:32")."""
        return self.updated_at - self.created_at > UPDATED_AFTER

    def anchor(self):
        return f"entry-{self.pk}"
