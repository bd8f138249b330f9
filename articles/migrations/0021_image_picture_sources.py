from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models

# images.FALLBACK_WIDTH when this migration was written: sources stored
# under another width are not used (Image.picture_sources_recipe).
FALLBACK_WIDTH = 800


def shape_sources(entries):
    """A shape's srcset per format and fallback JPEG, from its index entries."""
    shown = {
        format: ", ".join(
            f"{default_storage.url(name)} {width}w"
            for _, kind, width, _, name in entries
            if kind == format
        )
        for format in ("avif", "webp", "jpeg")
    }
    jpegs = [entry for entry in entries if entry[1] == "jpeg"]
    fitting = [entry for entry in jpegs if entry[2] <= FALLBACK_WIDTH]
    chosen = fitting[-1] if fitting else (jpegs[0] if jpegs else None)
    shown["fallback"] = chosen and [default_storage.url(chosen[4]), *chosen[2:4]]
    return shown


def record_picture_sources(apps, schema_editor):
    """Store the sources of every picture whose renditions are indexed."""
    Image = apps.get_model("articles", "Image")
    images = list(Image.objects.filter(rendition_index__isnull=False).only("rendition_index"))
    for image in images:
        shapes = sorted({entry[0] for entry in image.rendition_index})
        image.picture_sources = {
            "recipe": [settings.MEDIA_URL, FALLBACK_WIDTH],
            "shapes": {
                shape: shape_sources(
                    [e for e in image.rendition_index if e[0] == shape]
                )
                for shape in shapes
            },
        }
    Image.objects.bulk_update(images, ["picture_sources"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_image_renditions_in_the_worker"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="picture_sources",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="What pages write of the picture, per shape: a srcset "
                "per format and the <img> JPEG's URL, width and height, made with "
                "the renditions (picture_sources_recipe() says under which "
                "settings), so no page builds them again. Empty (null) while "
                "unknown.",
                null=True,
            ),
        ),
        migrations.RunPython(record_picture_sources, migrations.RunPython.noop),
    ]
