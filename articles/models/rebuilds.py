"""
Rebuilding every picture's renditions (`manage.py make_renditions --all`),
in steps that a later run continues.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .images import Image


class RenditionRebuild(models.Model):
    """
    One `manage.py make_renditions --all`: the pictures whose renditions
    were made before it started are made again. Stopped before the end, it
    is continued, not begun again, by the next `--all`.
    """

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        get_latest_by = "started_at"

    def __str__(self):
        return f"Renditions rebuilt from {self.started_at:%Y-%m-%d %H:%M}"

    def pictures_left(self):
        """The pictures this rebuild has still to make, oldest first."""
        return Image.objects.filter(
            Q(renditions_made_at__lt=self.started_at)
            | Q(renditions_made_at__isnull=True)
        ).order_by("pk")
