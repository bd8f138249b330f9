"""
The private attributes of Django's Redis backend the cache relies on are
reached in one module, newsroom.cache.redis_internals, and checked here
against the installed Django, so an upgrade that moves one fails loudly.
"""

import ast
from pathlib import Path

from django.core.cache.backends.redis import RedisCacheClient

from newsroom.cache import redis_internals

CACHE_PACKAGE = Path(redis_internals.__file__).parent
# A model's _meta is documented API (the Model _meta API), private in name only.
DOCUMENTED = {"_meta"}


def test_every_private_attribute_the_cache_uses_is_still_in_django():
    missing = redis_internals.missing_private_attributes()
    assert missing == [], (
        "Django's Redis backend no longer has what newsroom.cache.redis_internals "
        f"relies on: {', '.join(missing)}. Adapt that module to the new Django."
    )


def test_an_attribute_django_moved_is_named(monkeypatch):
    monkeypatch.delattr(RedisCacheClient, "_get_connection_pool_index")
    assert redis_internals.missing_private_attributes() == [
        "RedisCacheClient._get_connection_pool_index (which pool a call uses)"
    ]


def test_no_other_module_of_the_cache_reaches_a_private_attribute():
    """Any `x._name` outside redis_internals (dunders and _meta aside) fails here."""
    found = []
    for path in sorted(CACHE_PACKAGE.glob("*.py")):
        if path.name == "redis_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in DOCUMENTED
            ):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []
