"""The Circulation group: works delivery requests and areas, sees nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as the group was made here; subscriptions.roles is the live table.
CIRCULATION_PERMISSIONS = [
    "view_deliveryrequest",
    "change_deliveryrequest",
    "view_deliveryarea",
    "add_deliveryarea",
    "change_deliveryarea",
    "view_deliveryroutingkey",
    "add_deliveryroutingkey",
    "change_deliveryroutingkey",
    "delete_deliveryroutingkey",
]


def create_circulation_group(apps, schema_editor):
    app_config = apps.get_app_config("subscriptions")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Circulation")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="subscriptions",
            codename__in=CIRCULATION_PERMISSIONS,
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_delivery"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_circulation_group, migrations.RunPython.noop),
    ]
