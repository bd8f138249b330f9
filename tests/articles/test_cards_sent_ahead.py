"""
The cards under an article are asked for as soon as the article's row is
read, and the database answers while the article above them renders
(ArticleParts.send_cards, newsroom.sql.ReadAhead): on PostgreSQL, in
psycopg's pipeline mode, which the page always leaves.
"""

import pytest
from django.db import connection
from psycopg.pq import PipelineStatus

from articles import parts
from tests.articles.test_related import story
from tests.kept import forget_everything_kept
from tests.subscriptions.factories import make_newsletter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="psycopg's pipeline mode"
    ),
]


def in_pipeline():
    return connection.connection.pgconn.pipeline_status != PipelineStatus.OFF


@pytest.fixture
def article():
    make_newsletter()  # the offer under the article reads the newsletters
    article = story("The article", 5, ["harbour", "council"])
    story("Shares the harbour", 2, ["harbour"])
    return article


def test_the_cards_are_on_their_way_while_the_article_above_them_renders(
    client, article
):
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, in_pipeline()))
        return execute(sql, params, many, context)

    forget_everything_kept()
    with connection.execute_wrapper(record):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Shares the harbour" in response.text
    cards = next(n for n, (sql, _) in enumerate(sent) if "WITH more AS" in sql)
    # The body's newsletter offer shows newsletters read with the site
    # frame, in its statement (navigation.frame_part), before anything was
    # sent ahead: it never waits behind the cards. Only the cards are sent
    # ahead, and nothing is read after them.
    offered = [
        n for n, (sql, _) in enumerate(sent) if "subscriptions_newsletter" in sql
    ]
    assert offered == [0]
    assert "'page', id, title" in sent[0][0]
    assert sent[cards][1] and not any(piped for _, piped in sent[:cards])
    assert cards == len(sent) - 1
    assert not in_pipeline()


def test_the_cards_go_before_the_rest_of_the_article_is_built(
    client, article, monkeypatch
):
    """
    Only the article's row and its tags are needed for the cards' query: it
    goes before the bylines, the body's references and the body are built,
    so the database answers it while they are.
    """
    seen = []
    for name in ("keep_bylines", "keep_body_references", "ReaderBody"):
        built = getattr(parts, name)

        def record(*args, built=built, name=name, **kwargs):
            seen.append((name, in_pipeline()))
            return built(*args, **kwargs)

        monkeypatch.setattr(parts, name, record)
    forget_everything_kept()
    response = client.get(article.get_absolute_url())
    assert "Shares the harbour" in response.text
    assert [name for name, _ in seen] == [
        "keep_body_references",
        "keep_bylines",
        "ReaderBody",
    ]
    assert all(sent for _, sent in seen)
    assert not in_pipeline()


@pytest.mark.parametrize(
    "part",
    # The article's bylines: before the template; its body: while it renders.
    ["keep_bylines", "ReaderBody"],
)
def test_the_page_leaves_pipeline_mode_when_building_it_fails(
    client, article, monkeypatch, part
):
    def broken(*args, **kwargs):
        raise RuntimeError("that part could not be built")

    monkeypatch.setattr(parts, part, broken)
    forget_everything_kept()
    with pytest.raises(RuntimeError, match="could not be built"):
        client.get(article.get_absolute_url())
    assert not in_pipeline()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_cards_kept_are_not_asked_for(client, article, django_assert_num_queries):
    forget_everything_kept()
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert "Shares the harbour" in response.text
    assert not in_pipeline()


def test_without_pipeline_mode_the_cards_are_read_where_they_are_drawn(
    client, article, monkeypatch
):
    """A libpq older than 14 has no pipeline mode: the page reads as before."""
    import psycopg

    monkeypatch.setattr(
        psycopg.Pipeline, "is_supported", classmethod(lambda cls: False)
    )
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(in_pipeline())
        return execute(sql, params, many, context)

    forget_everything_kept()
    with connection.execute_wrapper(record):
        response = client.get(article.get_absolute_url())
    assert "Shares the harbour" in response.text
    assert sent and not any(sent)


def test_the_database_sends_the_cards_as_soon_as_it_has_them(article):
    """
    With the statement goes a flush request: the rows come back while the
    article renders, rather than when they are read (a round trip then).
    """
    import time

    from articles.models import Article

    sent = Article.objects.send_cards_around(article, 3, 3)
    try:
        pgconn = connection.connection.pgconn
        deadline = time.monotonic() + 5
        while pgconn.consume_input() is None and pgconn.is_busy():
            assert time.monotonic() < deadline, "no rows came back unasked"
            time.sleep(0.005)
        more, related = sent.read()
    finally:
        sent.finish()
    assert [card.title for card in related] == ["Shares the harbour"]
    assert not in_pipeline()
