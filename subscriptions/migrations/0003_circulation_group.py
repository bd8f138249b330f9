"""The Circulation group: works delivery requests and areas, sees nothing else."""

from django.db import migrations

from articles.roles import grant_roles

# Frozen as the group was made here; subscriptions.roles is the live table.
ROLES = {
    "Circulation": {
        "subscriptions": {
            "deliveryrequest": ["view", "change"],
            "deliveryarea": ["view", "add", "change"],
            "deliveryroutingkey": ["view", "add", "change", "delete"],
        },
    },
}


def create_circulation_group(apps, schema_editor):
    grant_roles(ROLES, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_delivery"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_circulation_group, migrations.RunPython.noop),
    ]
