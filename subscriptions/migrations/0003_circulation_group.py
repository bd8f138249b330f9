"""The Circulation group: works delivery requests and areas, sees nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CIRCULATION_PERMISSIONS = [
    ("deliveryrequest", ["view", "change"]),
    ("deliveryarea", ["view", "add", "change"]),
    ("deliveryroutingkey", ["view", "add", "change", "delete"]),
]


def create_circulation_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make ours now.
    app_config = apps.get_app_config("subscriptions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Circulation")
    codenames = [
        f"{action}_{model}"
        for model, actions in CIRCULATION_PERMISSIONS
        for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="subscriptions", codename__in=codenames
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
