"""
Editors manage newsletters and editions. The articles app's roles migration
used to grant this; each app now grants its own permissions to the groups.
On a database where it already did, this changes nothing.
"""

from django.db import migrations

from articles.roles import grant_roles

# Frozen as granted here; subscriptions.roles is the live table.
ROLES = {
    "Editor": {
        "subscriptions": {
            model: ["view", "add", "change", "delete"]
            for model in ("newsletter", "edition", "editionarticle")
        },
    },
}


def grant_editor_permissions(apps, schema_editor):
    grant_roles(ROLES, apps, exactly=False)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0012_delivery_request_email_normalised"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_editor_permissions, migrations.RunPython.noop),
    ]
