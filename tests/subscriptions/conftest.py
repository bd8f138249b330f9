from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached active newsletters must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def apply_retention():
    """Run the retention command with `args`; returns what it printed."""

    def run(*args):
        out = StringIO()
        call_command("apply_retention", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def migrate():
    """
    A function that migrates the database to `target` (app, migration) and
    returns the models as they were then; the database is left at the latest
    migrations afterwards, whatever the test did.
    """

    def to(target):
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
