"""Model fields that both apps declare the same way."""

from django.conf import settings
from django.db import models


def staff_member(**options):
    """
    Who did something (saved a revision, uploaded a picture, moved a
    request): a staff account, kept optional so that the record outlives the
    account (`newsroom.formats.staff_name` then says "the system").
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )
