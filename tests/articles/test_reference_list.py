"""
What an ordinary article's body refers to comes with its page row
(ArticleQuerySet.with_reference_list): the reference rows built from it are
those the ORM reads (reference_rows()), and the body drawn from them is the
same, whatever the body holds.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.elements import ReaderBody
from articles.models import (
    Article,
    ArticleBodyReference,
    ResolvedEmbed,
    body_pictures_of,
    body_references,
    cards,
    keep_body_references,
    prefetch_renditions,
    references_from_row,
)
from articles.models.body import listed_fields
from tests.articles.test_body_elements import small_image
from tests.factories import make_article, make_resolved_embed
from tests.newsroom.test_rows import same

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded():
    """
    An article whose body shows a 20-picture gallery, two pictures (one
    whose rights have lapsed, one with an uneven focal point), four "Read
    more" cards (with and without a lead picture, one scheduled) and three
    embeds (resolved, pending, never looked up).
    """
    gallery = [small_image(caption=f"Picture {n}") for n in range(20)]
    lapsed = small_image(rights_expire_on=date.today() - timedelta(days=2))
    focused = small_image(
        focal_point_x=1 / 3, rights_expire_on=date.today() + timedelta(days=30)
    )
    cards = [
        make_article(title="With a picture", lead_image=small_image()),
        make_article(title="Without a picture"),
        make_article(title="Another", lead_image=small_image(credit="")),
        make_article(
            title="Scheduled",
            published_at=timezone.now() + timedelta(days=1),
            lead_image=small_image(),
        ),
    ]
    resolved = make_resolved_embed(resolved_at=timezone.now())
    pending = "https://vimeo.com/1"
    missing = "https://vimeo.com/2"
    body = (
        '<figure data-element="gallery">'
        + "".join(
            f'<figure data-element="picture" data-image="{p.pk}">'
            f"<figcaption>{p.caption}</figcaption></figure>"
            for p in gallery
        )
        + "</figure>"
        + "".join(
            f'<figure data-element="picture" data-image="{p.pk}"></figure>'
            for p in (lapsed, focused)
        )
        + "".join(
            f'<aside data-element="read-more" data-article="{a.pk}"></aside>'
            for a in cards
        )
        + "".join(
            f'<figure data-element="embed" data-url="{url}"></figure>'
            for url in (resolved.url, pending, missing)
        )
    )
    article = make_article(body=body, lead_image=small_image())
    ResolvedEmbed.objects.filter(url=missing).delete()
    ResolvedEmbed.objects.get_or_create(url=pending, defaults={"provider": "Vimeo"})
    assert ArticleBodyReference.objects.filter(article=article).count() == 29
    return article


def read_by_the_orm(article):
    """The article's reference rows as the ORM reads what the row lists."""
    listed = listed_fields()
    paths = {
        "image": "image",
        "target": "target",
        "section": "target__section",
        "lead_image": "target__lead_image",
        "embed": "embed",
    }
    only = ["article", "entry", "image", "target", "embed"]
    for name, path in paths.items():
        only += [f"{path}__{field.name}" for field in listed[name].fields]
    rows = ArticleBodyReference.objects.select_related(
        "image", "target__section", "target__lead_image", "embed"
    )
    rows = rows.filter(article=article, entry__isnull=True).only(*only)
    return list(rows.order_by("pk"))


def test_reference_rows_from_the_page_row_are_those_the_orm_reads(
    crowded, django_assert_num_queries
):
    article = Article.objects.page_row(crowded.slug)
    with django_assert_num_queries(0):
        built = references_from_row(article)
        related = [
            (row.image, row.target, row.embed, row.article is article) for row in built
        ]
        cards = [
            (row.target.section, row.target.lead_image) for row in built if row.target
        ]
    read = read_by_the_orm(crowded)
    assert len(built) == len(read) == 29
    for (image, target, embed, its_own), row, orm in zip(
        related, built, read, strict=True
    ):
        same(row, orm)
        assert its_own
        for ours, theirs in ((image, orm.image), (target, orm.target)):
            assert (ours is None) == (theirs is None)
            if ours is not None:
                same(ours, theirs)
        assert (embed is None) == (orm.embed is None)
        if embed is not None:
            same(embed, orm.embed)
            assert embed.thumbnail == orm.embed.thumbnail
        if image is not None:
            assert image._stored_file_name == orm.image._stored_file_name
            assert image._stored_focal_point == orm.image._stored_focal_point
    orm_cards = [(r.target.section, r.target.lead_image) for r in read if r.target]
    assert len(cards) == len(orm_cards) == 4
    for (section, lead), (orm_section, orm_lead) in zip(cards, orm_cards, strict=True):
        same(section, orm_section)
        assert (lead is None) == (orm_lead is None)
        if lead is not None:
            same(lead, orm_lead)
    # What the row leaves in the database of a card's article: what no
    # "Read more" card shows.
    target = next(row.target for row in built if row.target)
    assert target.get_deferred_fields() >= {"body", "search_vector", "seo_title"}
    assert "status" not in target.get_deferred_fields()


def test_a_read_more_card_reads_of_its_article_what_a_listed_card_reads(crowded):
    """
    The row lists of a "Read more" card's article, and of its lead picture,
    the columns a list reads for that article's card (for_listing(),
    cards.CARD_FIELDS), and the article's status besides: a field added to
    the card is listed by both, or this fails.
    """

    def read(instance):
        fields = instance._meta.concrete_fields
        return {f.attname for f in fields} - instance.get_deferred_fields()

    built = references_from_row(Article.objects.page_row(crowded.slug))
    offered = next(row.target for row in built if row.target and row.target.lead_image)
    listed = Article.objects.for_listing().get(pk=offered.pk)
    assert read(offered) == read(listed) | {"status"}
    assert read(offered.lead_image) == read(listed.lead_image)
    for instance, relation in ((listed, None), (listed.lead_image, "lead_image")):
        meta = instance._meta
        named = [meta.get_field(name).attname for name in cards.card_fields(relation)]
        assert read(instance) == {"id", *named}


def test_a_card_field_of_another_relation_is_refused(monkeypatch):
    """Neither list could read it: a card reads columns of its picture alone."""
    monkeypatch.setattr(cards, "CARD_FIELDS", [*cards.CARD_FIELDS, "section__name"])
    with pytest.raises(ValueError, match="section__name"):
        cards.card_fields()


def test_the_body_from_the_page_row_is_the_one_from_its_own_query(crowded):
    from_row = Article.objects.page_row(crowded.slug)
    keep_body_references(from_row)
    read = Article.objects.prefetch_related(body_references()).get(pk=crowded.pk)
    for article in (from_row, read):
        prefetch_renditions(body_pictures_of([article]))
    ours, theirs = ReaderBody(from_row), ReaderBody(read)
    assert ours.html == theirs.html
    assert "With a picture" in ours.html and "Scheduled" not in ours.html
    assert ours.html.count('class="gallery__item"') == 20


def test_a_row_without_references_is_not_read_for_them(django_assert_num_queries):
    """Its flag says there are none: its list is not even parsed."""
    article = Article.objects.page_row(make_article().slug)
    assert article.has_references is False
    assert article.reference_list == "[]"
    article.reference_list = "not JSON"
    with django_assert_num_queries(0):
        keep_body_references(article)
        assert list(article.body_references.all()) == []


def test_a_live_article_row_lists_none_of_its_references():
    """Its page reads its entries' references with its own, in one query."""
    picture = small_image()
    article = make_article(
        live_state=Article.LiveState.LIVE,
        body=f'<figure data-element="picture" data-image="{picture.pk}"></figure>',
    )
    row = Article.objects.page_row(article.slug)
    assert row.has_references is True
    assert row.reference_list is None
