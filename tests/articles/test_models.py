from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import (
    Article,
    Redirect,
    Section,
    body_references_of,
    keep_prefetched,
    tags_of,
)
from tests.factories import make_article, make_image, make_section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "live"),
    [
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=1), False),
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.REVIEW, timedelta(hours=-1), False),
        (Article.Status.DRAFT, timedelta(hours=1), False),
    ],
)
def test_published_only_returns_live_articles(status, offset, live):
    article = make_article(status=status, published_at=timezone.now() + offset)
    assert (article in Article.objects.published()) is live
    assert article.is_published() is live


def test_scheduled_article_goes_live_when_its_time_passes():
    article = make_article(published_at=timezone.now() + timedelta(seconds=1))
    assert article.publication_state == "Scheduled"
    assert not Article.objects.published().filter(pk=article.pk).exists()
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publishing_without_a_time_stamps_now():
    article = make_article(status=Article.Status.DRAFT)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article.publication_state == "Live"


def test_changing_slug_or_section_records_the_old_address():
    article = make_article(slug="old-slug")
    old_url = article.get_absolute_url()
    article.slug = "new-slug"
    article.save()
    assert Redirect.objects.get(old_path=old_url).article == article
    second_url = article.get_absolute_url()
    article.section = make_section()
    article.save()
    assert Redirect.objects.get(old_path=second_url).article == article
    assert Redirect.objects.filter(article=article).count() == 2


@pytest.mark.parametrize(
    ("published_at", "kept"),
    [
        (None, False),  # a draft never published
        (timedelta(days=-3), True),  # live before, taken down for a fix
        (timedelta(hours=2), False),  # scheduled: publishing now brings it forward
    ],
)
def test_publishing_now_keeps_a_time_that_has_passed_and_only_that(published_at, kept):
    moment = timezone.now()
    when = moment + published_at if published_at is not None else None
    article = Article(published_at=when)
    assert article.publish_time(moment) == (when if kept else moment)


def test_word_count_and_reading_time_read_the_body_as_a_reader_sees_it():
    """
    Paragraphs do not run into each other and entities are characters: the
    count and the reading time agree, from one reading of the body.
    """
    body = "<p>Rates&nbsp;rise</p><p>again &amp; again</p>" + "<p>word</p>" * 455
    article = make_article(body=body)
    assert article.word_count == 2 + 3 + 455
    assert article.reading_minutes == 2  # 460 words at 230 a minute


def test_the_stored_word_count_follows_every_write_of_the_body():
    """
    Counted as the body is saved, however it is written: save() (with or
    without update_fields), a queryset update, bulk_create and bulk_update.
    """

    def stored(article):
        return Article.objects.values_list("word_count", flat=True).get(pk=article.pk)

    article = make_article(body="<p>one two three</p>")
    assert stored(article) == 3

    article.body = "<p>one two</p>"
    article.save(update_fields=["body"])
    assert stored(article) == 2

    Article.objects.filter(pk=article.pk).update(body="<p>a b c d</p>")
    assert stored(article) == 4

    article.body = "<p>a b c d e</p>"
    Article.objects.bulk_update([article], ["body"])
    assert stored(article) == 5

    [created] = Article.objects.bulk_create(
        [
            Article(
                title="Bulk",
                slug="bulk",
                section=article.section,
                body="<p>six words in this one body</p>",
            )
        ]
    )
    assert stored(created) == 6


@pytest.mark.parametrize(
    ("kind", "section", "kicker"),
    [
        (Article.Kind.NEWS, "Business", ""),
        (Article.Kind.ANALYSIS, "Business", "Analysis"),
        (Article.Kind.OPINION, "Opinion", ""),  # the section says it already
        (Article.Kind.OPINION, "Sport", "Opinion"),
    ],
)
def test_kicker_names_the_kind_only_where_readers_need_telling(kind, section, kicker):
    article = Article(kind=kind, section=Section(name=section))
    assert article.kicker == kicker


def test_rows_read_into_one_article_are_its_related_rows_without_a_query(
    django_assert_num_queries,
):
    """
    keep_prefetched() reads an article's tags (by name) and body references
    in a query each, none when its row says it has no references; its
    related managers then give them without a query, and rows already
    read are kept.
    """
    picture = make_image()
    article = make_article(
        tags=["Tides", "Harbour"],
        body=f'<figure data-element="picture" data-image="{picture.pk}"></figure>',
    )
    with django_assert_num_queries(2):
        keep_prefetched(article, "tagged_items", tags_of(article))
        keep_prefetched(article, "body_references", body_references_of(article))
    with django_assert_num_queries(0):
        assert [item.tag.name for item in article.tagged_items.all()] == [
            "Harbour",
            "Tides",
        ]
        assert [row.image for row in article.body_references.all()] == [picture]
        keep_prefetched(article, "tagged_items", tags_of(article))
    plain = make_article()
    with django_assert_num_queries(0):
        keep_prefetched(
            plain, "body_references", body_references_of(plain, found=False)
        )
        assert list(plain.body_references.all()) == []
