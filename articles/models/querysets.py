"""
What the desk and the reading pages ask of articles: what readers see
(`published()`), scheduling, the desk's lists, what each page prefetches, and
the thin calls into search (articles/search.py). What the reading pages read
in SQL of their own or compiled once (the JSON lists and columns beside an
article's row, the cards under it, the page's row and the lists' cards) is
in `reading`, which ArticleQuerySet and ArticleManager are made of.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.query import ModelIterable
from django.utils import timezone

from .. import search
from . import navigation
from .body import body_references
from .bylines import ArticleAuthor, bylines_in_order
from .cards import CARD_FIELDS
from .images import day_start
from .imports import ImportRecord
from .publishing import PublishingQuerySet
from .reading import ReadingManager, ReadingQuerySet
from .taxonomy import Section, tags_in_order


class ForCards(ModelIterable):
    """
    Articles read for their cards (ArticleQuerySet.for_listing), each with
    its bylines beside its row (with_byline_list): where a Prefetch took
    several times longer to build, run and sort into the articles than the
    database takes to answer. A card reads them as they are
    (bylines.shown_bylines); Article.ordered_bylines() builds them when
    asked (bylines_from_row).
    """

    def __iter__(self):
        return self.finished(super().__iter__())

    def finished(self, articles):
        """
        What ModelIterable made, ready for their cards (also where
        newsroom.sql.CompiledOnce makes the instances itself).
        """
        return self.with_sections(articles)

    def with_sections(self, articles):
        """The articles, each with its section where its row lacks it."""
        return articles


class WithFrameSections(ForCards):
    """
    Articles for their cards given their section from the site frame
    (Section.objects.in_menu(): kept under the content version, and read by
    every reading page's section bar anyway) rather than a copy of it joined
    to each row and built with each article. A section the frame lacks (one
    added since it was read) is left to be read when asked for.
    """

    def with_sections(self, articles):
        sections = None
        field = self.queryset.model._meta.get_field("section")
        for article in articles:
            if sections is None:
                sections = {
                    section.pk: section for section in Section.objects.in_menu()
                }
            if section := sections.get(article.section_id):
                field.set_cached_value(article, section)
            yield article


class ArticleQuerySet(ReadingQuerySet, PublishingQuerySet):
    def next_publication(self):
        """When the next scheduled article goes live, or None."""
        upcoming = self.scheduled().order_by("published_at")
        return upcoming.values_list("published_at", flat=True).first()

    def next_change(self):
        """
        When what readers see next changes by itself, or None: a scheduled
        article or static page goes live, or a picture's rights end (the
        pages then drop it). The page cache keeps no page past it. One query.
        The page cache asks the site frame first, which reads the same
        moments with the sections (navigation.next_change).
        """
        return navigation.read_next_change()

    def going_live_within(self, period, moment=None):
        """Scheduled articles that go live between `moment` (default now) and
        `period` later."""
        moment = moment or timezone.now()
        return self.filter(
            status=self.model.Status.PUBLISHED,
            published_at__gt=moment,
            published_at__lte=moment + period,
        )

    def from_agencies(self):
        """Articles that came in from a news agency's feed (articles/agency/)."""
        records = ImportRecord.objects.from_agencies().filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
        )
        return self.filter(Exists(records))

    def owned_by(self, user):
        """
        The articles that are `user`'s own: those they created, and those
        whose byline names the Author linked to their account.
        """
        return self.filter(
            Q(created_by=user.pk)
            | Q(
                pk__in=ArticleAuthor.objects.filter(author__user=user.pk).values(
                    "article"
                )
            )
        )

    def with_lapsed_picture(self, moment=None):
        """Articles whose lead picture's rights have ended by `moment`."""
        moment = moment or timezone.now()
        return self.filter(lead_image__rights_expire_on__lte=timezone.localdate(moment))

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(authors=author)

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self, with_body=False):
        """
        What an article card needs, in one query, and only the columns it
        shows (CARD_FIELDS): the pictures come with their stored sources
        (see `prefetch_renditions` for pictures whose do not hold), the bylines
        beside each row (with_byline_list, ForCards), the sections from the
        site frame when it is kept (WithFrameSections; else each row brings
        its own). The body, which cards never show, is left in the database
        unless `with_body` (search's snippets).
        """
        fields = [*CARD_FIELDS, "body"] if with_body else CARD_FIELDS
        queryset = self.select_related("lead_image").only(*fields).with_byline_list()
        if not settings.FRAGMENT_CACHE_SECONDS:
            # The frame is read anew for each use: a query of its own.
            queryset = queryset.select_related("section")
            queryset._iterable_class = ForCards
        else:
            queryset._iterable_class = WithFrameSections
        return queryset

    def for_feed(self):
        """
        What a feed item needs: the article's and its picture's every column
        (its dates, the picture's caption and credit), its section and
        byline, the tags, when live coverage last added to it, and the body
        with what it refers to (body_references; its pictures' renditions
        are left to prefetch_renditions, with body_pictures_of).
        """
        return (
            self.select_related("section", "lead_image")
            .prefetch_related(bylines_in_order(), tags_in_order(), body_references())
            .with_latest_update()
        )

    def for_article_page(self):
        """
        What the full article page needs, in a fixed number of queries
        whatever the number of authors, tags and corrections. The bylines
        and the lead image's renditions are left to the page, which fetches
        them in one query each with those of its other cards
        (`bylines_in_order`, `prefetch_renditions`).
        """
        return self.select_related(
            "section", "lead_image", "share_image"
        ).prefetch_related(tags_in_order(), "corrections")

    def search(self, query):
        """
        Articles matching the reader's `query`, best match first (see
        articles.search.search_articles). Apply every filter first and call
        it last, on published() for reader pages.
        """
        return search.search_articles(self, query)

    def search_matches(self, query):
        """
        The articles matching `query`, unordered, and the expression that
        ranks them (see articles.search.match_articles).
        """
        return search.match_articles(self, query)

    def spelling_suggestion(self, query):
        """
        "Did you mean": the query with its misspelt words replaced by the
        closest words of these articles' headlines, or None (see
        articles.search.suggest_from_headlines).
        """
        return search.suggest_from_headlines(self, query)

    def with_headline(self, words):
        """
        Articles whose headline holds each of the `words` (a string, split on
        spaces), latest first: what an editor looks for by name.
        """
        articles = self
        for word in words.split():
            articles = articles.filter(title__icontains=word)
        return articles.order_by("-published_at", "-pk")

    def published_between(self, start=None, end=None):
        """
        Articles published on the dates from `start` to `end` (both
        included, either may be None), in the newsroom's time zone.
        """
        articles = self
        if start:
            articles = articles.filter(published_at__gte=day_start(start))
        if end:
            articles = articles.filter(
                published_at__lt=day_start(end + timedelta(days=1))
            )
        return articles

    def refresh_byline_names(self):
        """
        Copy the names of each article's byline, in byline order, into its
        `byline_names` (which the search document holds), in one UPDATE of
        the articles whose names changed. (SQLite before 3.44 cannot order
        an aggregate: there the names come in the order the bylines were
        written, which search does not mind.)
        """
        features = connections[self.db].features
        ordered = features.supports_aggregate_order_by_clause
        names = models.functions.Coalesce(
            models.Subquery(
                ArticleAuthor.objects.filter(article=models.OuterRef("pk"))
                .order_by()
                .values("article")
                .annotate(
                    names=models.StringAgg(
                        "author__name",
                        delimiter=models.Value(" "),
                        order_by=("position", "pk") if ordered else None,
                    )
                )
                .values("names")
            ),
            models.Value(""),
        )
        return models.QuerySet.update(
            self.exclude(byline_names=names), byline_names=names
        )


class ArticleManager(ReadingManager, models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The stored search document is kilobytes per article that no page
        # shows; only the database reads it.
        return super().get_queryset().defer("search_vector")
