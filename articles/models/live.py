"""
Live coverage: an Article whose `live_state` is live or ended, and its
entries, posted as the news breaks by several editors at once (each entry a
row of its own, so no post is lost and none conflicts with another).
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django_prose_editor.fields import ProseEditorField

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.fields import staff_member

from ..body import (
    BODY_EDITOR_EXTENSIONS,
    first_words,
    sanitize_body,
    sanitize_once,
    validate_body,
)
from .articles import Article
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

    def first_line(self, words=20):
        """The entry's first words, as a reader reads them."""
        return first_words(self.body, words)

    def was_updated(self):
        """Edited after it was posted (shown "Updated 14:32")."""
        return self.updated_at - self.created_at > UPDATED_AFTER

    def anchor(self):
        return f"entry-{self.pk}"
