"""
Model instances built from database rows for less: what a reading page reads
by the dozen (the articles of a list, their pictures, bylines and authors),
the JSON in those rows (JSONField), and rows carried as JSON on another
statement's (ListedFields).
"""

import json

import orjson
from django.db import connections, models
from django.db.models import DEFERRED
from django.db.models.base import Model, ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

# Descriptors whose __set__ on an instance just built stores the value in its
# __dict__ and does nothing else: a foreign key's id (it forgets a cached
# related object, which a new instance has none of) and a file's name (an
# ImageField's updates the dimensions only when it replaces a file).
PLAIN_SETTERS = (ForeignKeyDeferredAttribute, FileDescriptor)


class BuiltFromRows:
    """
    Mixed into a model (`class Author(BuiltFromRows, ReaderVisible,
    models.Model)`): its instances read from the database are built as
    Model.from_db() builds them, their values put in their __dict__ at once
    rather than through Model.__init__(), which walks every field of the
    model, those not read too, and sets each through its descriptor. The
    same instance for less: an article read for its card in 3.8 µs rather
    than 11, a byline or an author in 3.4 rather than 6, a picture in 11
    rather than 17; a section page's 21 rows (with their pictures, 35
    bylines and their authors) in 1.5 to 1.7 ms of CPU rather than 2.1.

    Only where that is the same: a model whose fields' descriptors store
    their value and do nothing else (PLAIN_SETTERS, or none of their own),
    with no __init__() of its own, and while nothing listens to pre_init
    for it; post_init is sent as Model.__init__() sends it (an ImageField
    with dimension fields listens to it). Otherwise Model.from_db().
    """

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        attnames = _plainly_set(cls)
        # Asked only when anything listens at all: has_listeners() took a
        # third of the time of building a byline or an author.
        if attnames is None or (pre_init.receivers and pre_init.has_listeners(cls)):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        new = cls.__new__(cls)
        new._state = ModelState()
        if len(values) == len(attnames):
            # As Model.from_db(): the values of every field, in order, those
            # not read DEFERRED.
            fields = new.__dict__
            for name, value in zip(attnames, values, strict=True):
                if value is not DEFERRED:
                    fields[name] = value
        else:
            new.__dict__.update(zip(field_names, values, strict=True))
        post_init.send(sender=cls, instance=new)
        new._state.adding = False
        new._state.db = db
        if fetch_mode is not None:
            new._state.fetch_mode = fetch_mode
        return new


_attnames = {}


def _plainly_set(model):
    """
    The attnames of `model`'s concrete fields, in order, when building its
    instances from their __dict__ is the same as Model.__init__(), else None
    (BuiltFromRows).
    """
    if model not in _attnames:
        fields = model._meta.concrete_fields
        plain = all(
            "__init__" not in vars(base) and "__setattr__" not in vars(base)
            for base in model.__mro__
            if base not in (Model, object)
        ) and all(
            isinstance(descriptor, PLAIN_SETTERS)
            or not hasattr(type(descriptor), "__set__")
            for descriptor in (getattr(model, field.attname, None) for field in fields)
        )
        _attnames[model] = [f.attname for f in fields] if plain else None
    return _attnames[model]


def read_json(text):
    """
    JSON `text` read by orjson, which parses it several times quicker than
    the standard library; what orjson refuses (NaN, numbers wider than 64
    bits) by the standard library.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class JSONField(models.JSONField):
    """
    Django's JSONField, its values read from the database by read_json()
    (a cold article page reads some 10 KB of JSON: its pictures' sources and
    renditions, its tags, bylines and body references, its cards'
    pictures), and as Django reads them where a decoder of the field's own
    is set or the text is no JSON at all (left as text). The same column:
    migrations record it as Django's.
    """

    def from_db_value(self, value, expression, connection):
        if type(value) is str and self.decoder is None:
            try:
                return read_json(value)
            except json.JSONDecodeError:
                return value
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


# The types of field whose values a JSON array carries as the ORM reads
# them, or as text their field's to_python() (PostgreSQL) or the backend's
# converters (SQLite) read. JSON fields are nested as JSON, and SQLite's
# floats written out in full (its JSON keeps 15 digits).
CARRIED = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "CharField",
    "TextField",
    "SlugField",
    "URLField",
    "FileField",
    "BooleanField",
    "FloatField",
    "DateField",
    "DateTimeField",
    "TimeField",
    "JSONField",
}


class ListedFields:
    """
    A model's `fields` (every concrete one unless given) carried in a JSON
    array, so that its rows ride on another statement's (newsroom.sql.
    json_list_sql): how SQL writes them into the array (columns()), and how
    its values are read back into an instance equal to the one the ORM reads
    (build(), Model.from_db). A body's references ride on the article's row
    (articles.models.body.listed_fields), the active newsletters on the
    site frame's.
    """

    def __init__(self, model, fields=None):
        self.model = model
        every = model._meta.concrete_fields
        self.fields = [f for f in every if fields is None or f in fields]
        self.names = [f.attname for f in self.fields]
        for field in self.fields:
            kind = field.target_field if field.is_relation else field
            if kind.get_internal_type() not in CARRIED or getattr(
                kind, "decoder", None
            ):
                raise ValueError(f"{field} cannot be read back from JSON")
        self._readers = {}

    def columns(self, alias, connection):
        """The SQL of the fields' columns, for a JSON array, `alias` their table's."""
        written = []
        for field in self.fields:
            column = f"{alias}.{connection.ops.quote_name(field.column)}"
            if connection.vendor == "sqlite":
                kind = field.get_internal_type()
                if kind == "JSONField":
                    column = f"json({column})"
                elif kind == "FloatField":
                    column = (
                        f"CASE WHEN {column} IS NOT NULL "
                        f"THEN printf('%%!.17g', {column}) END"
                    )
            written.append(column)
        return ", ".join(written)

    def build(self, db, values):
        """The instance of the values listed, as Model.from_db() makes it."""
        readers = self._readers.get(db)
        if readers is None:
            readers = self._readers[db] = self._readers_on(connections[db])
        for index, read in readers:
            if values[index] is not None:
                values[index] = read(values[index])
        return self.model.from_db(db, self.names, values)

    def _readers_on(self, connection):
        """[(index, function reading the value listed)] of the fields to read."""
        readers = []
        for index, field in enumerate(self.fields):
            kind = field.get_internal_type()
            if kind == "JSONField":
                continue  # nested as JSON: what from_db_value() would parse
            if connection.vendor == "postgresql":
                if kind in ("DateField", "DateTimeField", "TimeField"):
                    readers.append((index, field.to_python))
                continue
            # SQLite gives a JSON array the column's own value, its floats as
            # text: read as the ORM reads the column (newsroom.sql.read_rows).
            column = field.get_col(field.model._meta.db_table)
            converters = connection.ops.get_db_converters(
                column
            ) + column.get_db_converters(connection)
            if kind == "FloatField":
                converters = [lambda value, *args: float(value), *converters]
            if converters:
                readers.append((index, _converting(converters, column, connection)))
        return readers


def _converting(converters, column, connection):
    def read(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return read
