"""The Circulation group: works delivery requests and areas, sees nothing else."""

from django.db import migrations

from subscriptions.roles import ensure_circulation_group


def create_circulation_group(apps, schema_editor):
    ensure_circulation_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_delivery"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_circulation_group, migrations.RunPython.noop),
    ]
