"""
SQL of our own, read as the ORM reads it. Where a query that every page
rendered after a change runs took Django longer to build and compile than
the database takes to answer it, the apps write it once as SQL
(articles.models.navigation.read_site_frame, with the parts other apps
register to ride on it) and read its rows here, each column as the ORM reads its
field's; or, where the queryset itself reads best, compile it only once
(CompiledOnce). On PostgreSQL both run as prepared statements
(prepared_cursor()), so a process soon stops having the database parse and
plan them again on every page.
"""

from copy import copy
from datetime import UTC, datetime
from functools import cache, partial
from weakref import WeakKeyDictionary

from django.db import connections, models
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import Query
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE, MULTI
from django.utils.inspect import func_supports_parameter


def json_list_sql(connection, row, joined, order):
    """
    SQL of one JSON text listing the rows that `joined` (FROM ... WHERE ...)
    finds, each the JSON array of `row` (SQL columns), in `order`: `[]` for
    none. The database builds the list, on PostgreSQL as on SQLite, so
    related rows ride on another row's query.
    """
    if connection.vendor == "postgresql":
        listed = f"json_agg(json_build_array({row}) ORDER BY {order})::text"
        return f"SELECT COALESCE({listed}, '[]') {joined}"
    # SQLite aggregates the rows in the order the subquery gives them.
    return (
        "SELECT json_group_array(json(x.row)) FROM (SELECT "
        f"json_array({row}) AS row {joined} ORDER BY {order}) x"
    )


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
    with prepared_cursor(connection) as cursor:
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


def prepared_cursor(connection, prepare=True):
    """
    A cursor of `connection` (Django's, so execute wrappers and query
    logging see its statements as any other) whose statements PostgreSQL
    keeps prepared: parsed once per connection, and after a few runs
    planned once too. psycopg prepares a statement on the connection once
    it has run it more than the connection's prepare_threshold times, and
    forgets them all on a rollback, or with the connection; on a new
    connection they are prepared again. Only when the database's OPTIONS
    set prepare_threshold (settings: DATABASE_PREPARED); otherwise, and
    on SQLite, the connection's own cursor.

    Every other query keeps Django's own cursor, which binds the values
    into the SQL in this process (server_side_binding off): not all the SQL
    Django writes may be sent with its values apart (values in GROUP BY
    under DISTINCT, more than 65,535 values in an IN, SET LOCAL). Only the
    SQL run here is, and the reading pages' tests run each of its
    statements on PostgreSQL. Django's query log shows a statement run
    prepared as "QUERY = … - PARAMS = …", psycopg keeping no SQL for it.

    With `prepare` false, its statements are sent with their values apart
    all the same, but never prepared: PostgreSQL plans each run for its
    values (CompiledOnce's planned_each_run).
    """
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    from django.db.backends.postgresql.base import (
        TIMESTAMPTZ_OID,
        ServerBindingCursor,
    )
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    # What connection.cursor() does, with a cursor that sends the values
    # apart from the SQL, as a prepared statement needs (psycopg's Cursor
    # rather than the ClientCursor Django's connection makes).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor_class = ServerBindingCursor if prepare else _never_prepared()
        cursor = cursor_class(connection.connection)
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


@cache
def _never_prepared():
    """Django's cursor that sends values apart, with psycopg never preparing."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class NeverPreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=False, binary=binary)

    return NeverPreparedCursor


class CompiledOnce:
    """
    A queryset compiled to SQL once per process and run again with other
    values, its rows made into instances by the queryset's own iterable
    (selected related objects, annotations, and the iterable class it was
    given, all as the queryset would). For a query that every
    page rendered after a change runs, where Django takes longer to build
    and compile it than the database takes to answer it.

    `build(**values)` makes the queryset from one value for each of
    `parameters` (name: the model field the value is compared with, as
    filter(field=value) or field__lte=value compare it: its SQL parameter
    is that field's database value). It is built and compiled once, with a
    placeholder for each value that no row holds, found again among the
    compiled query's parameters and replaced with the values of each run.
    A run's rows may also be read as the database gives them (rows()), to
    be kept, and made into the same instances later (built()).

    With `planned_each_run`, its SQL is never prepared: PostgreSQL plans it
    for the values of each run, where the best plan depends on them and a
    generic plan, which PostgreSQL may settle on for a prepared statement
    after five runs, can cost a hundred times as much.
    """

    def __init__(self, build, planned_each_run=False, **parameters):
        self.build = build
        self.planned_each_run = planned_each_run
        self.parameters = parameters
        self._compiled = None
        # {connection: its _Maker of instances, or False}, made on the first
        # built() on each connection.
        self._makers = WeakKeyDictionary()

    def run(self, **values):
        """The queryset's rows for these `values`: a list of instances."""
        return self.built(self.rows(**values))

    def rows(self, **values):
        """
        The queryset's rows for these `values` as the database gives them:
        tuples of plain values (numbers, text, moments), which pickle in a
        fraction of the time their instances take, for built().
        """
        return self._run_with(values).fetch()

    def read_ahead(self, **values):
        """
        The rows (rows()) for these `values`, sent now and read when asked
        for: a ReadAhead, whose finish() must follow.
        """
        return ReadAhead(self._run_with(values))

    def _run_with(self, values):
        """The compiler giving its SQL with `values`, on this thread's connection."""
        queryset, compiler, positions = self._compiled or self._compile()
        # This thread's connection: the one it was compiled on may be another's.
        connection = connections[compiler.using]
        params = list(compiler.precompiled[1])
        for name, value in values.items():
            prepared = self.parameters[name].get_db_prep_value(value, connection)
            for position in positions[name]:
                params[position] = prepared
        return compiler.run_on(connection, params)

    def built(self, rows):
        """
        The instances of `rows` (rows()), made as the queryset's own
        iterable makes those of the rows it reads: no query. Where that
        iterable is Django's ModelIterable, or one that only passes what
        ModelIterable makes through its finished(), they are made by a
        _Maker, which works out once per connection what ModelIterable
        works out again before the first row of every run; otherwise by
        the iterable itself.
        """
        queryset, compiler, _ = self._compiled or self._compile()
        connection = connections[compiler.using]
        maker = self._makers.get(connection)
        if maker is None:
            maker = self._makers[connection] = _Maker.of(queryset, compiler, connection)
        if maker:
            return maker.made(rows)
        # A copy of the queryset whose query is compiled already: copying
        # the query built (its joins, conditions and annotations) took
        # longer than making the instances of a row.
        run = queryset._chain()
        run.query.compiled = compiler.given(connection, rows)
        return list(run)

    def _compile(self):
        """
        (queryset, compiler, positions): the queryset built and compiled
        under the placeholders, and where each value goes among the
        parameters of its SQL.
        """
        placeholders = {
            name: _placeholder(field, n)
            for n, (name, field) in enumerate(self.parameters.items())
        }
        queryset = self.build(**placeholders)
        connection = connections[queryset.db]
        compiler_class = _precompiled(connection.ops.compiler("SQLCompiler"))
        compiler = compiler_class(queryset.query, connection, queryset.db)
        sql, params = compiler.as_sql()
        compiler.precompiled = sql, tuple(params)
        compiler.converted = _Converted()
        compiler.prepared = not self.planned_each_run
        positions = {}
        for name, field in self.parameters.items():
            prepared = field.get_db_prep_value(placeholders[name], connection)
            positions[name] = [n for n, p in enumerate(params) if p == prepared]
            if not positions[name]:
                raise ValueError(f"{name!r} is not compared in the query built")
        runs = queryset._chain()
        runs.query = _CompiledQuery(queryset.model, compiler)
        self._compiled = runs, compiler, positions
        return self._compiled


class _Maker:
    """
    Instances made from a compiled query's rows as ModelIterable makes them
    (each row's instance of the queryset's model, its select_related
    objects, its annotations), with what ModelIterable works out before
    the first row of every run worked out once: the columns of each
    instance, the converters of each column and the populators of the
    related objects. A reading page builds the article's row (on every
    render, from the kept row too) and the cards under it this way:
    working that out again took 28 of the 48 µs of building the article
    from its row, and 17 of the 109 µs of building the eight cards under it.

    Only for a queryset whose iterable is ModelIterable, or one whose
    __iter__() is ModelIterable's passed through its finished(instances),
    and which asks for nothing ModelIterable does only now and then
    (prefetch_related, known related objects, peers fetched together,
    composite fields): of() gives False for any other, and the iterable
    makes its instances itself.
    """

    @classmethod
    def of(cls, queryset, compiler, connection):
        """The maker of `queryset`'s instances on `connection`, or False."""
        iterable = queryset._iterable_class
        finished = getattr(iterable, "finished", None)
        model = compiler.klass_info and compiler.klass_info["model"]
        if (
            not model
            or not issubclass(iterable, ModelIterable)
            or (iterable is not ModelIterable and finished is None)
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or getattr(queryset._fetch_mode, "track_peers", False)
            or not func_supports_parameter(model.from_db, "fetch_mode")
        ):
            return False
        run = compiler.given(connection, ())
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if run.has_composite_fields(columns):
            return False
        return cls(queryset, run, run.get_converters(columns))

    def __init__(self, queryset, compiler, converters):
        # A copy of the compiler on the maker's connection: its
        # apply_converters() converts each row as ModelIterable's run would.
        self.compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.db = queryset.db
        self.queryset = queryset
        self.columns = slice(fields[0], fields[-1] + 1)
        self.names = [column[0].target.attname for column in select[self.columns]]
        self.from_db = partial(
            klass_info["model"].from_db, fetch_mode=queryset._fetch_mode
        )
        self.related = get_related_populators(
            klass_info, select, self.db, queryset._fetch_mode
        )
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = converters

    def made(self, rows):
        """The instances of `rows`, as the queryset's iterable makes them."""
        db, names, columns, from_db = self.db, self.names, self.columns, self.from_db
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        instances = []
        for row in rows:
            instance = from_db(db, names, row[columns])
            for related in self.related:
                related.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        iterable = self.queryset._iterable_class
        if iterable is ModelIterable:
            return instances
        return list(iterable(self.queryset).finished(instances))


def _placeholder(field, n):
    """A value of `field` that no row holds (the `n`th placeholder)."""
    field = getattr(field, "target_field", field)
    if isinstance(field, models.DateTimeField):
        return datetime(1901, 1, 1, 0, 0, 0, n + 1, tzinfo=UTC)
    if isinstance(field, models.IntegerField):
        return -1_000_000_000 - n
    return f"\x00placeholder {n}"


class _CompiledQuery(Query):
    """A query whose compiler (a _Precompiled one) is given, not made."""

    def __init__(self, model, compiler):
        super().__init__(model)
        self.compiled = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiled

    def chain(self, klass=None):
        # Nothing to copy but the compiler each run gives it.
        chained = copy(self)
        if klass is not None:
            chained.__class__ = klass
        return chained


class _Converted(WeakKeyDictionary):
    """A compiled query's converters by connection; whether it has composite fields."""

    composite = None


class _Precompiled:
    """
    A compiler that gives the SQL it compiled before, with its parameters,
    and runs it through prepared_cursor().
    """

    precompiled = None
    # Whether prepared_cursor() lets psycopg prepare its SQL (else the
    # database plans it for its values on each run).
    prepared = True
    # The rows it gives rather than running its SQL (given()).
    rows = None
    # {connection: its converters of the columns}, found on the first run on
    # each connection (get_converters()); shared by every copy (run_on()).
    converted = None

    def as_sql(self, *args, **kwargs):
        if self.precompiled is None:
            return super().as_sql(*args, **kwargs)
        return self.precompiled

    def execute_sql(
        self, result_type=MULTI, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE
    ):
        # The rows all read at once, as SQLCompiler.execute_sql() reads them
        # when not asked for chunks (what run() asks).
        if self.precompiled is None or result_type != MULTI or chunked_fetch:
            return super().execute_sql(result_type, chunked_fetch, chunk_size)
        return [self.rows if self.rows is not None else self.fetch()]

    def fetch(self):
        """The rows of its SQL with its parameters, as the database gives them."""
        with prepared_cursor(self.connection, prepare=self.prepared) as cursor:
            cursor.execute(*self.precompiled)
            return self.trimmed(cursor.fetchall())

    def trimmed(self, rows):
        """The rows without the columns only its ordering needed."""
        if self.has_extra_select:
            rows = [row[: self.col_count] for row in rows]
        return rows

    def get_converters(self, expressions):
        # The same columns on every run: Django asks each of them for its
        # converters again on each, which took longer than making the
        # instances of a few rows.
        if self.converted is None:
            return super().get_converters(expressions)
        converters = self.converted.get(self.connection)
        if converters is None:
            converters = super().get_converters(expressions)
            self.converted[self.connection] = converters
        return converters

    def has_composite_fields(self, expressions):
        if self.converted is None:
            return super().has_composite_fields(expressions)
        if self.converted.composite is None:
            self.converted.composite = super().has_composite_fields(expressions)
        return self.converted.composite

    def run_on(self, connection, params):
        """A copy of this compiler (compiled) giving its SQL with `params`."""
        compiler = copy(self)
        compiler.connection = connection
        compiler.precompiled = self.precompiled[0], params
        return compiler

    def given(self, connection, rows):
        """A copy of this compiler (compiled) giving `rows` rather than running."""
        compiler = copy(self)
        compiler.connection = connection
        compiler.rows = rows
        return compiler


@cache
def _precompiled(compiler_class):
    return type(
        f"Precompiled{compiler_class.__name__}", (_Precompiled, compiler_class), {}
    )


class ReadAhead:
    """
    The rows of a compiled query (a _Precompiled's, CompiledOnce.read_ahead)
    sent to the database now and read when first asked for (rows()). On
    PostgreSQL the statement goes out at once in psycopg's pipeline mode, so
    the database plans and runs it while this process goes on with the page
    (the cards under an article: 1.5-2 ms of the database's time, half of
    it planning, spent beside the rendering of the article above them);
    elsewhere (and with a libpq older than 14, which has no pipeline mode)
    it runs when read.

    Until its rows are read the connection stays in pipeline mode, where
    any other statement still runs, after this one. finish() leaves it,
    reading the rows if they were never asked for: it must follow, in a
    `finally`, whatever happens in between.
    """

    def __init__(self, compiler):
        self.compiler = compiler
        self._rows = None
        self._pipeline = self._cursor = None
        connection = compiler.connection
        if not _pipelines(connection):
            return
        cursor = prepared_cursor(connection, prepare=compiler.prepared)
        self._pipeline = connection.connection.pipeline()
        self._pipeline.__enter__()
        self._cursor = cursor
        try:
            cursor.execute(*compiler.precompiled)
            # And a flush request (libpq's PQsendFlushRequest): the database
            # sends the rows as soon as it has them, rather than keeping them
            # until the rows are asked for, which then cost a round trip.
            pgconn = connection.connection.pgconn
            pgconn.send_flush_request()
            pgconn.flush()
        except BaseException as error:
            self.finish(error)
            raise

    def rows(self):
        """The rows, as the database gave them (_Precompiled.fetch)."""
        if self._rows is None:
            if self._pipeline is None:
                self._rows = self.compiler.fetch()
            else:
                try:
                    self._rows = self.compiler.trimmed(self._cursor.fetchall())
                except BaseException as error:
                    self.finish(error)
                    raise
                self.finish()
        return self._rows

    def finish(self, error=None):
        """
        Leave pipeline mode, if still in it; nothing more once done. An
        error of its own is raised unless one is already (`error`), which
        it would hide.
        """
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is None:
            return
        try:
            # Waits for what is still on its way.
            pipeline.__exit__(type(error) if error else None, error, None)
        finally:
            self._cursor.close()


def _pipelines(connection):
    """Whether statements on `connection` can be sent ahead (ReadAhead)."""
    if connection.vendor != "postgresql":
        return False
    from psycopg import Pipeline

    return Pipeline.is_supported()
