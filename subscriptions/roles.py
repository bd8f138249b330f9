"""
The Circulation role: staff who work delivery requests and areas and see
nothing else. Migration 0003 makes the group; running `ensure_circulation_group`
again puts it back to exactly these permissions.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CIRCULATION = "Circulation"

CIRCULATION_PERMISSIONS = [
    ("deliveryrequest", ["view", "change"]),
    ("deliveryarea", ["view", "add", "change"]),
    ("deliveryroutingkey", ["view", "add", "change", "delete"]),
]


def ensure_circulation_group(apps=global_apps):
    """
    Make the Circulation group with exactly its permissions (creating the
    permissions first, which Django otherwise does only after migrating).
    `apps` is a migration's historical registry, or the project's.
    """
    app_config = apps.get_app_config("subscriptions")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CIRCULATION)
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
    return group
