"""
What the newsroom's roles may do with subscriptions: Editors manage
newsletters and editions, and Circulation staff work delivery requests and
areas and see nothing else. The subscriptions app grants these from its own
migrations (0003 makes Circulation, 0013 gives Editors their newsletter
permissions, each with a frozen copy of this table); `ensure_roles` puts the
groups back to exactly these subscriptions permissions, leaving the
articles' own alone (articles.roles grants those).
"""

from django.apps import apps as global_apps

from articles.roles import ALL, EDITOR, grant_roles

CIRCULATION = "Circulation"

# role: {app label: {model: [actions]}}
ROLES = {
    EDITOR: {
        "subscriptions": {
            "newsletter": ALL,
            "edition": ALL,
            "editionarticle": ALL,
        },
    },
    CIRCULATION: {
        "subscriptions": {
            "deliveryrequest": ["view", "change"],
            "deliveryarea": ["view", "add", "change"],
            "deliveryroutingkey": ["view", "add", "change", "delete"],
        },
    },
}


def ensure_roles(apps=global_apps):
    """
    Give the role groups exactly their subscriptions permissions. `apps` is
    a migration's historical registry, or the project's.
    """
    grant_roles(ROLES, apps)
