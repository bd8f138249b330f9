"""
SQL of our own, read as the ORM reads it. Where a query that every page
rendered after a change runs took Django longer to build and compile than
the database takes to answer it, the apps write it once as SQL
(articles.models.navigation.read_site_frame, Newsletter.objects.
active_cached) and read its rows here, each column as the ORM reads its
field's.
"""

from django.db import connections


def read_rows(connection, sql, params, fields):
    """
    The rows of `sql` with `params` on `connection`, their columns read as
    the ORM reads those of `fields` (one a column; None: as the database
    gives it): SQLite gives a date or a time as text, a boolean as 0 or 1.
    """
    converting = []
    for index, field in enumerate(fields):
        if field is None:
            continue
        column = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(
            column
        ) + column.get_db_converters(connection)
        if converters:
            converting.append((index, column, converters))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converting:
        return rows
    read = []
    for row in rows:
        row = list(row)
        for index, column, converters in converting:
            for converter in converters:
                row[index] = converter(row[index], column, connection)
        read.append(row)
    return read


def read_instances(model, sql, params, using):
    """
    Instances of `model`, of the rows of `sql` with `params` on the database
    `using`: the rows hold every concrete field's column, in the model's
    order (columns_of()).
    """
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    rows = read_rows(connections[using], sql, params, fields)
    return [model.from_db(using, names, row) for row in rows]


def columns_of(model):
    """The columns of `model`'s concrete fields, in its order, for a SELECT."""
    return ", ".join(field.column for field in model._meta.concrete_fields)
