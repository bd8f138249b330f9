from django.db import migrations, models
from django.utils.html import linebreaks


def notes_as_paragraphs(apps, schema_editor):
    """Plain-text intros become the paragraphs they were shown as."""
    Edition = apps.get_model("subscriptions", "Edition")
    for edition in Edition.objects.exclude(intro="").only("intro"):
        if not edition.intro.lstrip().startswith("<"):
            edition.intro = linebreaks(edition.intro, autoescape=True)
            edition.save(update_fields=["intro"])


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0015_consent_wording_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="edition",
            name="intro",
            field=models.TextField(
                blank=True,
                help_text="A few sentences above the stories, in the editor's own "
                "words. The inbox shows its first words when there is one.",
                verbose_name="editor's note",
            ),
        ),
        migrations.RunPython(notes_as_paragraphs, migrations.RunPython.noop),
    ]
