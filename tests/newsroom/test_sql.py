"""
newsroom.sql: SQL of our own, querysets compiled once, and both run as
prepared statements on PostgreSQL.
"""

import itertools
import os
import pickle
import re
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.sql import CompiledOnce
from tests.factories import make_article, make_author, make_image, make_section
from tests.kept import forget_everything_kept

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)


def live_in_section(built):
    """Articles of a section live at a moment, compiled once; `built` counts."""

    def build(section, moment):
        built.append((section, moment))
        return (
            Article.objects.live_at(moment)
            .filter(section=section)
            .select_related("section")
            .order_by("published_at")
        )

    fields = Article._meta
    return CompiledOnce(
        build,
        section=fields.get_field("section"),
        moment=fields.get_field("published_at"),
    )


def test_a_query_compiled_once_answers_each_run_with_its_own_values():
    now = timezone.now()
    home, away = make_section(), make_section()
    older = make_article(section=home, published_at=now - timedelta(days=2))
    newer = make_article(section=home, published_at=now - timedelta(hours=1))
    elsewhere = make_article(section=away, published_at=now - timedelta(days=1))
    query = live_in_section([])

    assert query.run(section=home.pk, moment=now) == [older, newer]
    assert query.run(section=home.pk, moment=now - timedelta(days=1)) == [older]
    assert query.run(section=away.pk, moment=now) == [elsewhere]
    assert query.run(section=away.pk, moment=now - timedelta(days=3)) == []


def test_a_query_compiled_once_is_built_once_whatever_its_values():
    built = []
    query = live_in_section(built)
    section = make_section()
    for days in range(3):
        query.run(section=section.pk, moment=timezone.now() - timedelta(days=days))
    assert len(built) == 1


def test_rows_of_a_query_compiled_once_come_as_the_querysets_would(
    django_assert_num_queries,
):
    section = make_section(name="Harbour")
    article = make_article(section=section)
    with django_assert_num_queries(1):
        (found,) = live_in_section([]).run(section=section.pk, moment=timezone.now())
        assert found.section.name == "Harbour"  # selected with it
        assert found.title == article.title


def test_rows_of_a_query_compiled_once_kept_as_read_are_built_as_a_run_builds_them(
    django_assert_num_queries,
):
    """
    rows() gives the rows as the database does (plain values, which pickle
    cheaply), built() makes them the instances run() makes, with no query.
    """
    section = make_section(name="Harbour")
    article = make_article(section=section)
    query = live_in_section([])
    rows = query.rows(section=section.pk, moment=timezone.now())
    kept = pickle.loads(pickle.dumps(rows))
    assert kept == rows and len(kept) == 1
    with django_assert_num_queries(0):
        (built,) = query.built(kept)
        assert built == article
        assert built.section.name == "Harbour"  # selected with it
        assert built.published_at == article.published_at  # converted on SQLite too
    (run,) = query.run(section=section.pk, moment=timezone.now())
    assert built.__dict__.keys() == run.__dict__.keys()
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(run).items() if k != "_state"
    }


def made_by_the_iterable(query, rows):
    """The instances of `rows` as the queryset's own iterable makes them."""
    queryset, compiler, _ = query._compiled or query._compile()
    run = queryset._chain()
    run.query.compiled = compiler.given(connections[compiler.using], rows)
    return list(run)


def tree(instance):
    """An instance as plain values: its class, fields and related objects."""
    if instance is None:
        return None
    values = {k: v for k, v in vars(instance).items() if k != "_state"}
    related = {
        name: tree(value) for name, value in instance._state.fields_cache.items()
    }
    state = (instance._state.db, instance._state.adding)
    return type(instance), values, related, state


def test_instances_built_from_kept_rows_are_those_the_querysets_iterable_makes():
    """
    The article page's row and the cards under it (with their pictures,
    bylines and sections from the site frame) are built without Django's
    iterable (newsroom.sql._Maker), each field, annotation and related
    object as it would make them; a second build on the same connection
    too.
    """
    section = make_section(name="Harbour")
    picture = make_image()
    author = make_author(name="Ann Lee")
    article = make_article(
        section=section, tags=["harbour"], authors=[author], lead_image=picture
    )
    for n in range(3):
        make_article(
            section=section,
            tags=["harbour"],
            authors=[author],
            lead_image=picture if n else None,
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    page_row = Article.objects._page_row
    rows = [Article.objects.page_row_values(article.slug)]
    from articles.models import keep_tags

    keep_tags(article)
    cards, values = Article.objects._compiled_around(article, 4, 4, 100, None)
    card_rows = cards.rows(**values)
    assert len(card_rows) == 3
    for query, kept in ((page_row, rows), (cards, card_rows)):
        for _ in range(2):
            built = query.built(kept)
            assert query._makers[connections["default"]]  # made without it
            assert [tree(a) for a in built] == [
                tree(a) for a in made_by_the_iterable(query, kept)
            ]
    (built,) = page_row.built(rows)
    assert built.section.name == "Harbour" and built.lead_image == picture
    assert {card.lead_image for card in cards.built(card_rows)} == {picture, None}


def test_a_queryset_whose_iterable_does_more_is_built_by_its_iterable():
    """
    An iterable that does more than ModelIterable, and says nothing of
    finished(), makes the instances itself.
    """
    from django.db.models.query import ModelIterable

    class Marked(ModelIterable):
        def __iter__(self):
            for article in super().__iter__():
                article.marked = True
                yield article

    section = make_section()
    make_article(section=section)

    def build(section, moment):
        queryset = Article.objects.live_at(moment).filter(section=section)
        queryset._iterable_class = Marked
        return queryset

    fields = Article._meta
    query = CompiledOnce(
        build,
        section=fields.get_field("section"),
        moment=fields.get_field("published_at"),
    )
    rows = query.rows(section=section.pk, moment=timezone.now())
    (built,) = query.built(rows)
    assert built.marked
    assert query._makers[connections["default"]] is False


def test_a_query_compiled_once_finds_its_columns_converters_once(monkeypatch):
    """Every run reads the same columns: their converters are found on the first."""
    now = timezone.now()
    section = make_section()
    older = make_article(section=section, published_at=now - timedelta(days=2))
    query = live_in_section([])
    asked = []
    found = SQLCompiler.get_converters

    def get_converters(compiler, expressions):
        asked.append(len(expressions))
        return found(compiler, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", get_converters)
    for _ in range(3):
        (read,) = query.run(section=section.pk, moment=now)
        assert read.published_at == older.published_at  # converted on SQLite too
        assert read.section == section
    assert len(asked) == 1


@pytest.mark.django_db(transaction=True)
def test_a_query_compiled_in_one_thread_runs_on_each_threads_own_connection():
    section = make_section()
    article = make_article(section=section)
    query = live_in_section([])
    assert query.run(section=section.pk, moment=timezone.now()) == [article]
    found = []

    def read():
        try:
            with CaptureQueriesContext(connection) as captured:  # this thread's
                found.extend(query.run(section=section.pk, moment=timezone.now()))
            found.append(len(captured))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == [article, 1]


def test_a_value_the_built_queryset_does_not_compare_is_refused():
    query = CompiledOnce(
        lambda slug: Article.objects.all(), slug=Article._meta.get_field("slug")
    )
    with pytest.raises(ValueError, match="slug"):
        query.run(slug="anything")


def test_the_article_page_reads_its_row_by_a_query_compiled_once():
    author = make_author(name="Ann Lee")
    article = make_article(authors=[author], title="Ferry timetable changes")
    make_article(slug="not-yet", published_at=timezone.now() + timedelta(hours=1))

    found = Article.objects.page_row(article.slug)
    assert found == article
    assert [b.author.name for b in found.ordered_bylines()] == ["Ann Lee"]
    assert Article.objects.page_row("not-yet") is None
    later = timezone.now() + timedelta(hours=2)
    assert Article.objects.page_row("not-yet", later).slug == "not-yet"
    assert Article.objects.page_row("no-such-article") is None


def cold_render(client, url):
    """
    The SQL of each query of one render of `url` with nothing kept, as an
    execute wrapper sees it, its placeholders numbered as psycopg numbers
    them for the database ($1, $2…) when it sends the values apart.
    """
    sent = []

    def record(execute, sql, params, many, context):
        numbers = itertools.count(1)
        sent.append(
            re.sub(
                r"%[%s]",
                lambda m: m[0][1] if m[0] == "%%" else f"${next(numbers)}",
                sql,
            )
        )
        return execute(sql, params, many, context)

    forget_everything_kept()
    with connection.execute_wrapper(record):
        response = client.get(url)
    assert response.status_code == 200
    return sent


def prepared_statements():
    """The SQL of the statements prepared on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {statement for (statement,) in cursor.fetchall()}


def reading_pages():
    """An article's page, the home page and its section's page."""
    article = make_article(tags=["Harbour"], section=make_section(slug="news"))
    make_article(tags=["Harbour"], section=article.section)
    return {
        "article": article.get_absolute_url(),
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
    }


@on_postgresql
@pytest.mark.parametrize("page", ["article", "home", "section"])
def test_a_reading_pages_queries_run_prepared_from_its_second_cold_render(client, page):
    """
    Each statement the page sends (counted, as any other, by execute
    wrappers) is one the connection keeps prepared: the database neither
    parses nor, once it keeps a generic plan, plans it again.
    """
    url = reading_pages()[page]
    first = cold_render(client, url)
    assert not set(first) & prepared_statements()
    second = cold_render(client, url)
    assert second == first
    assert kept_prepared(second) <= prepared_statements()


# What only the SQL of the cards under an article holds (around_sql()).
RELATED_CARDS = "FROM articles_taggedarticle t WHERE t.tag_id IN"


def kept_prepared(sent):
    """The statements of `sent` a page keeps prepared: all but its related cards'."""
    return {sql for sql in sent if RELATED_CARDS not in sql}


@on_postgresql
def test_the_cards_under_an_article_are_planned_for_its_tags_on_every_run(client):
    """
    Their statement is never prepared, however often it runs, so PostgreSQL
    never settles on a generic plan for it, which cannot tell rare tags
    from common ones.
    """
    url = reading_pages()["article"]
    for _ in range(8):
        sent = cold_render(client, url)
    related = [sql for sql in sent if RELATED_CARDS in sql]
    assert len(related) == 1
    assert not set(related) & prepared_statements()
    assert kept_prepared(sent) <= prepared_statements()


@on_postgresql
def test_with_prepared_statements_off_the_pages_queries_are_sent_as_django_sends_them(
    client, monkeypatch
):
    """DATABASE_PREPARED=off: no prepare_threshold, nothing prepared."""
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold")
    url = reading_pages()["article"]
    before = prepared_statements()
    for _ in range(3):
        forget_everything_kept()
        # Django's own cursor sends each value within its SQL: the SQL it
        # logs has no placeholder left (psycopg's own $1 nor Django's %s).
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        logged = " ".join(query["sql"] for query in captured)
        assert "$1" not in logged and "%s" not in logged
    assert prepared_statements() == before


@on_postgresql
def test_after_a_rollback_the_pages_prepare_their_statements_again(client):
    """
    psycopg forgets (and deallocates) a connection's prepared statements on
    a rollback, even to a savepoint; the pages then run and prepare theirs
    again rather than name one the database no longer has.
    """
    url = reading_pages()["article"]
    cold_render(client, url)
    assert kept_prepared(cold_render(client, url)) <= prepared_statements()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_section(slug="news")
    assert prepared_statements() == set()
    cold_render(client, url)
    assert kept_prepared(cold_render(client, url)) <= prepared_statements()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_pages_statements_again(client):
    """Prepared statements live in one connection, as psycopg knows them."""
    url = reading_pages()["article"]
    cold_render(client, url)
    queries = cold_render(client, url)
    assert kept_prepared(queries) <= prepared_statements()
    connection.close()
    assert cold_render(client, url) == queries
    assert not set(queries) & prepared_statements()
    cold_render(client, url)
    assert kept_prepared(queries) <= prepared_statements()


def prepare_threshold_with(**variables):
    """The database's prepare_threshold as the settings read these variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DATABASE_PREPARED"}
    }
    finished = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from django.conf import settings\n"
            "print(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold'))",
        ],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip()


def test_database_prepared_off_leaves_postgresql_preparing_nothing():
    postgresql = "postgres://newsroom@127.0.0.1:5432/newsroom"
    assert prepare_threshold_with(DATABASE_URL=postgresql) == "1"
    off = prepare_threshold_with(DATABASE_URL=postgresql, DATABASE_PREPARED="off")
    assert off == "None"
    sqlite = prepare_threshold_with(DATABASE_URL="sqlite:////tmp/newsroom.sqlite3")
    assert sqlite == "None"
