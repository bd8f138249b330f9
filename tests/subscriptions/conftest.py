from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command


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
