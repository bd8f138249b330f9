"""
Editors manage newsletters and editions. The articles app's roles migration
used to grant this; each app now grants its own permissions to the groups.
On a database where it already did, this changes nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as granted here; subscriptions.roles is the live table.
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("newsletter", "edition", "editionarticle")
    for action in ("view", "add", "change", "delete")
]


def grant_editor_permissions(apps, schema_editor):
    app_config = apps.get_app_config("subscriptions")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subscriptions",
            codename__in=EDITOR_PERMISSIONS,
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0012_delivery_request_email_normalised"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_editor_permissions, migrations.RunPython.noop),
    ]
