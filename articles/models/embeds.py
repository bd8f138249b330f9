"""
Embeds as the worker resolved them: one row per URL an editor pasted into a
body, with what the provider's oEmbed answer said (title, author, our copy of
the thumbnail) and the iframe readers get once they press the facade.
articles.embeds resolves them; the body only stores the URL.
"""

from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.fields import ImageField


class ResolvedEmbedQuerySet(ReaderVisibleQuerySet):
    def resolved(self):
        return self.filter(status=ResolvedEmbed.Status.RESOLVED)

    def due(self, now=None):
        """Pending embeds whose next attempt has come."""
        return self.filter(
            status=ResolvedEmbed.Status.PENDING,
            next_attempt_at__lte=now or timezone.now(),
        )


class ResolvedEmbed(ReaderVisible, models.Model):
    """An embed's URL and, once the worker has asked its provider, what it is."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"
        FAILED = "failed", "Failed"

    url = models.URLField("URL", max_length=2000, unique=True)
    provider = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    thumbnail = ImageField(
        upload_to="embeds/%Y/%m/",
        blank=True,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
        help_text="Our copy of the provider's thumbnail, re-encoded.",
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    iframe_src = models.URLField("iframe address", max_length=2000, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResolvedEmbedQuerySet.as_manager()

    class Meta:
        verbose_name = "resolved embed"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="embed_due_idx")
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def is_resolved(self):
        return self.status == self.Status.RESOLVED

    @property
    def aspect_ratio(self):
        """Width over height of the player, else of the thumbnail, else 16:9."""
        for width, height in (
            (self.width, self.height),
            (self.thumbnail_width, self.thumbnail_height),
        ):
            if width and height:
                return round(width / height, 4)
        return round(16 / 9, 4)


@receiver(post_delete, sender=ResolvedEmbed)
def delete_thumbnail_file(sender, instance, **kwargs):
    """Remove a deleted embed's copy of its thumbnail once the deletion commits."""
    if instance.thumbnail.name:
        storage, name = instance.thumbnail.storage, instance.thumbnail.name
        transaction.on_commit(lambda: storage.delete(name))
