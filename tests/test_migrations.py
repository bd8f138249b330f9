"""
Migrations stay runnable on a fresh database whatever the application code
becomes: data migrations read historical models and frozen tables, never
live modules, and each app grants its own permissions to the role groups,
through the one function that grants them (articles.roles.grant_roles, given
the historical registry and the migration's frozen table).
"""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from articles import roles as articles_roles
from subscriptions import roles as subscriptions_roles

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"accounts", "articles", "newsroom", "subscriptions"}
# What makemigrations writes for field classes, validators, defaults and
# index expressions: a schema operation must name them. Nothing else of the
# application is imported by a migration.
SCHEMA_MODULES = {
    "articles.models",
    "articles.search",
    "subscriptions.models",
    "subscriptions.models.newsletters",
    "subscriptions.models.weekdays",
}
# The one way permissions reach a group: a function of the registry it is
# given, never a live table.
GRANTING = "articles.roles.grant_roles"
ROLE_MIGRATIONS = [
    ("articles", "0007_workflow_roles_image_rights", "make_roles"),
    ("articles", "0017_redirects", "grant_redirect_permissions"),
    ("articles", "0019_static_pages", "grant_page_permissions"),
    ("subscriptions", "0003_circulation_group", "create_circulation_group"),
    (
        "subscriptions",
        "0013_editor_newsletter_permissions",
        "grant_editor_permissions",
    ),
]


def migration_files():
    for app in sorted(FIRST_PARTY):
        yield from sorted((ROOT / app / "migrations").glob("[0-9]*.py"))


def first_party_imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "articles.roles":
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        else:
            continue
        yield from (name for name in names if name.split(".")[0] in FIRST_PARTY)


def test_no_migration_imports_live_application_code():
    """
    Only the modules of fields, validators and defaults are imported, and
    the function that grants permissions.
    """
    found = {
        f"{path.parent.parent.name}/{path.name}: {name}"
        for path in migration_files()
        for name in first_party_imports(path)
        if name not in {*SCHEMA_MODULES, GRANTING}
    }
    assert found == set()


def test_no_articles_migration_depends_on_subscriptions():
    """Articles migrate on their own: no dependency on a subscriptions one."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert [
        (name, dependency)
        for (app, name), migration in loader.disk_migrations.items()
        if app == "articles"
        for dependency in migration.dependencies
        if dependency[0] == "subscriptions"
    ] == []


def permissions_of(groups):
    return {
        group.name: {
            (app_label, codename)
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        for group in groups
    }


def roles_table():
    wanted = {}
    for roles in (articles_roles.ROLES, subscriptions_roles.ROLES):
        for name, models in roles.items():
            wanted.setdefault(name, set()).update(articles_roles.codenames(models))
    return wanted


@pytest.mark.django_db
def test_the_role_migrations_give_the_groups_what_the_roles_tables_say():
    """
    Run on a database without groups, the data migrations make each group
    with exactly the permissions of articles.roles and subscriptions.roles
    together.
    """
    Group.objects.all().delete()
    loader = MigrationLoader(connection)
    for app, name, function in ROLE_MIGRATIONS:
        state = loader.project_state((app, name), at_end=True)
        module = __import__(loader.get_migration(app, name).__module__, fromlist=["_"])
        getattr(module, function)(state.apps, None)

    assert permissions_of(Group.objects.all()) == roles_table()


@pytest.mark.django_db
def test_ensure_roles_of_each_app_leaves_the_other_apps_permissions_alone():
    """Granting one app's roles again keeps what the other app granted."""
    articles_roles.ensure_roles()
    subscriptions_roles.ensure_roles()
    articles_roles.ensure_roles()

    groups = Group.objects.filter(name__in=roles_table())
    assert permissions_of(groups) == roles_table()
