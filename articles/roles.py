"""
The newsroom's roles, as groups of permissions. Migration 0007 makes them
with a frozen copy of this table; `ensure_roles` puts each group back to
exactly these permissions among the articles' and tags' own. Each app grants
its own permissions to the groups from its own migrations (subscriptions
gives Editors newsletters and editions, and makes Circulation), and
`grant_roles` leaves every other app's permissions on a group alone. It is
the one way permissions reach a group: those migrations call it too, with
their historical registry and their frozen tables.

- Contributor: writes and edits their own drafts and submits them for review.
- Writer: as a Contributor, and publishes and schedules their own articles.
- Editor: publishes, schedules, unpublishes and edits every article; manages
  authors, sections, tags, images, corrections and the front page.
- Writers and Editors manage redirects; only Editors send readers to
  other sites.
- Writers and Editors write static pages; they go live and come off the
  site with the articles' permissions (a Writer publishes their own pages,
  an Editor every page and takes live ones off the site).

Which articles are "their own", and what each permission allows, is decided
in articles/workflow.py.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTRIBUTOR = "Contributor"
WRITER = "Writer"
EDITOR = "Editor"

ALL = ["view", "add", "change", "delete"]

_WRITING = {
    "articles": {
        "article": ["view", "add", "change", "delete"],
        "author": ["view"],
        "section": ["view"],
        "image": ["view", "add"],
    },
    "taggit": {"tag": ["view"]},
}

# role: {app label: {model: [actions or custom codenames]}}
ROLES = {
    CONTRIBUTOR: _WRITING,
    WRITER: {
        **_WRITING,
        "articles": {
            **_WRITING["articles"],
            "article": [*_WRITING["articles"]["article"], "publish_article"],
            "redirect": ALL,
            "page": ALL,
        },
    },
    EDITOR: {
        "articles": {
            "article": [
                *ALL,
                "publish_article",
                "unpublish_article",
                "edit_any_article",
            ],
            "author": ALL,
            "section": ALL,
            "image": ALL,
            "correction": ALL,
            "frontpageslot": ALL,
            "frontpagepin": ALL,
            "redirect": [*ALL, "offsite_redirect"],
            "page": ALL,
        },
        "taggit": {"tag": ALL},
    },
}


def codenames(models):
    """("app_label", "codename") of each permission in one role's table."""
    for app_label, by_model in models.items():
        for model, actions in by_model.items():
            for action in actions:
                codename = action if action.endswith(f"_{model}") else None
                yield app_label, codename or f"{action}_{model}"


def ensure_roles(apps=global_apps):
    """
    Make the role groups with exactly their articles and tags permissions.
    `apps` is a migration's historical registry, or the project's.
    """
    grant_roles(ROLES, apps)


def grant_roles(roles, apps=global_apps, *, exactly=True):
    """
    Give each group of `roles` ({group: {app label: {model: [actions]}}})
    its permissions among those apps' (creating the group, and the
    permissions first, which Django otherwise does only after migrating).
    With `exactly`, the group is left with no other permission of those
    apps; without, it keeps those it had (a migration that adds some). Its
    permissions in other apps stay alone either way: each app grants its
    own. `apps` is a migration's historical registry, or the project's.
    """
    labels = {label for models in roles.values() for label in models}
    for label in sorted(labels):
        app_config = apps.get_app_config(label)
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = set(codenames(models))
        permissions = [
            permission
            for permission in Permission.objects.filter(
                codename__in={codename for _, codename in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"Permissions missing for {name}: {sorted(missing)}")
        if exactly:
            kept = group.permissions.exclude(content_type__app_label__in=labels)
            group.permissions.set([*kept, *permissions])
        else:
            group.permissions.add(*permissions)
