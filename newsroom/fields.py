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


class ImageField(models.ImageField):
    """
    Django's ImageField, whose width and height fields are written as a
    file is assigned or saved (ImageFileDescriptor), but not checked again
    as each instance is built. Django's connects a post_init receiver that
    does that for every instance, so that a model built in Python with an
    image and its dimension fields' defaults (Model(file=…)) has them
    filled; ours are built from rows that hold both (a page reads a
    picture for every card, 0.28 million instructions of a cold article
    page), and a new upload's are written when it is saved. An instance
    built in Python with a file stored already keeps the dimensions it was
    given.
    """

    def contribute_to_class(self, cls, name, **kwargs):
        # FileField's: the descriptor, without ImageField's post_init receiver.
        super(models.ImageField, self).contribute_to_class(cls, name, **kwargs)

    def deconstruct(self):
        # Declared as Django's: the same column, so no migration.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
