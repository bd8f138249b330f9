"""newsroom.sql: SQL of our own, and querysets compiled once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from newsroom.sql import CompiledOnce
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


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
