from django.db import migrations, models


def record_rendition_indexes(apps, schema_editor):
    """Index the renditions every existing picture already has."""
    Image = apps.get_model("articles", "Image")
    Rendition = apps.get_model("articles", "Rendition")
    indexes = {}
    for rendition in Rendition.objects.order_by(
        "image_id", "shape", "format", "width"
    ).iterator(chunk_size=2000):
        indexes.setdefault(rendition.image_id, []).append(
            [
                rendition.shape,
                rendition.format,
                rendition.width,
                rendition.height,
                rendition.file.name,
            ]
        )
    images = list(Image.objects.only("pk"))
    for image in images:
        image.rendition_index = indexes.get(image.pk, [])
    Image.objects.bulk_update(images, ["rendition_index"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_planning_and_image_shapes"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="rendition_index",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="Every rendition as [shape, format, width, height, file "
                "name], recorded when they are made, so pages show the picture "
                "without reading its renditions. Empty (null) while unknown.",
                null=True,
            ),
        ),
        migrations.RunPython(record_rendition_indexes, migrations.RunPython.noop),
    ]
