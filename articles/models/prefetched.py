"""
Related rows read into an object where prefetch_related_objects() would
leave them, without the prefetch machinery: for one object, or rows that
came beside its own (a JSON column), that machinery costs more than the
reading.
"""

from django.db import models


def keep_prefetched(instance, name, rows):
    """
    Keep `rows` as `instance`'s related rows `name`, where
    prefetch_related_objects() would leave them: `instance.<name>.all()` is
    then those rows, without a query. `rows` is a queryset of what the
    related manager would hold (its rows of `instance`), read here, or a
    function giving them (a queryset or a list), called only when needed.
    Rows already prefetched are kept, as prefetch_related_objects() keeps
    them, and none read.
    """
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    if name in cache:
        return
    if callable(rows):
        rows = rows()
    if not isinstance(rows, models.QuerySet):
        listed = getattr(instance, name).all()
        listed._result_cache, listed._prefetch_done = list(rows), True
        rows = listed
    len(rows)  # read it
    cache[name] = rows
