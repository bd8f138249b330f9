"""
newsroom.fields.ImageField: the width and height are written as a file is
assigned or saved, and pictures read from the database are built without
checking them again.
"""

import pytest
from django.core.files.base import ContentFile
from django.db.models.signals import post_init

from articles.models import Image, ResolvedEmbed
from tests.factories import image_bytes, image_upload, make_image, make_resolved_embed

pytestmark = pytest.mark.django_db


def test_an_uploaded_picture_has_its_size_and_a_new_file_brings_its_own():
    image = make_image(file=image_upload(width=1200, height=800))
    assert (image.width, image.height) == (1200, 800)
    image.file = image_upload(width=640, height=960)
    image.save()
    image.refresh_from_db()
    assert (image.width, image.height) == (640, 960)


def test_an_embeds_thumbnail_has_its_size():
    embed = make_resolved_embed()
    embed.refresh_from_db()
    assert (embed.thumbnail_width, embed.thumbnail_height) == (480, 270)
    embed.thumbnail = ContentFile(image_bytes(300, 200), name="other.jpg")
    embed.save()
    assert (embed.thumbnail_width, embed.thumbnail_height) == (300, 200)


def test_pictures_read_from_the_database_are_built_without_a_post_init_receiver(
    django_assert_num_queries,
):
    """Nothing listens as they are built, and no file is opened for their size."""
    make_image()
    assert not post_init.has_listeners(Image)
    assert not post_init.has_listeners(ResolvedEmbed)
    with django_assert_num_queries(1):
        (image,) = Image.objects.all()
    assert image.width and image.height
