"""
An article's history: its revisions (the content each save left, see
articles/revisions.py) and the steps it took through the workflow (see
articles/workflow.py), each with who did it.
"""

from django.db import models
from django.utils import timezone

from newsroom import formats
from newsroom.fields import staff_member

from .articles import Article


class Revision(models.Model):
    """
    The editable content of an article as one save left it (see
    articles.revisions: what is kept, comparing, restoring).
    """

    # Indexed by revision_article_idx, which starts with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = staff_member()
    comment = models.CharField(max_length=255, blank=True)
    content = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article", "-created_at", "-id"], name="revision_article_idx"
            )
        ]

    def __str__(self):
        return f"{self.article_id} at {formats.written(self.created_at, 'stamp')}"

    @property
    def created_by_name(self):
        """Who saved it."""
        return formats.staff_name(self.created_by)


class ArticleTransition(models.Model):
    """
    One step of an article through the newsroom's workflow (submitted, sent
    back, approved, published, scheduled, unpublished): who, when, from
    which state to which, and their comment (see articles.workflow).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = staff_member()
    from_status = models.CharField(max_length=10, choices=Article.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Article.Status)
    # For publications: when the article goes (or went) live.
    published_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article", "-created_at", "-id"],
                name="transition_article_idx",
            )
        ]

    def __str__(self):
        return f"{self.article_id}: {self.from_status or 'new'} → {self.to_status}"

    @property
    def created_by_name(self):
        """Who took the step."""
        return formats.staff_name(self.created_by)

    @property
    def is_send_back(self):
        return (
            self.from_status == Article.Status.REVIEW
            and self.to_status == Article.Status.DRAFT
        )

    def describe(self):
        """What happened, in words: "Submitted for review", "Sent back", …"""
        Status = Article.Status
        if self.to_status == Status.PUBLISHED:
            verb = "Approved" if self.from_status == Status.REVIEW else "Published"
            if self.published_at and self.published_at > self.created_at:
                when = formats.written(self.published_at, "weekday_moment")
                return f"{verb}: scheduled for {when}"
            if self.from_status == Status.PUBLISHED:
                return "Publication time changed"
            return f"{verb}: live" if verb == "Approved" else "Published"
        if self.to_status == Status.REVIEW:
            return "Submitted for review"
        if self.is_send_back:
            return "Sent back to the writer"
        if self.from_status == Status.PUBLISHED:
            return "Unpublished"
        return "Back to draft" if self.from_status else "Created as a draft"
