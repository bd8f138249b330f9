"""
What the reading pages ask of articles in SQL of their own or compiled once
per process (newsroom.sql.CompiledOnce), where building and compiling the
same from querysets took about as long as the database takes to answer:
the related rows that ride on an article's own row as JSON lists or
columns beside it (ReadingQuerySet), the cards under an article
(around_sql()), and the page's row and the lists' cards
(ReadingManager). ArticleQuerySet and ArticleManager (querysets) are made
of them.
"""

from django.conf import settings
from django.db import connections, models
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property

from newsroom.rows import JSONField
from newsroom.sql import CompiledOnce, json_list_sql

from .body import reference_list_sql
from .bylines import ArticleAuthor
from .publishing import PUBLISHED_SQL
from .taxonomy import TaggedArticle


def around_sql(model, connection, article, section, tags, moment, counts):
    """
    The SQL and parameters of the ids of the cards under the article of id
    `article` (ArticleQuerySet.around), for `counts` (more_count,
    related_count, candidates): the newest articles live at `moment` of its
    `section` (an id) but it (`more`), and, with `tags` (its tag ids), those
    ranked by the tags they share among the newest `candidates` live
    articles tagged with any of them but it and `more`.

    Those candidates are asked as one semi-join, so the database picks the
    cheaper way by how common the tags are: while they are rare (on the
    demo paper, every tag) it reads their tagged rows by the tag's index,
    looks up the few articles they name in the index of live articles by id
    (Article.Meta.indexes, with when each went live: no article's row read)
    and sorts them; while they are common it walks the newest articles and
    stops at the `candidates`th tagged one. Without that index, once the
    table was vacuumed, PostgreSQL read the index of every live article for
    rare tags instead: 16 ms a run with 100,000 articles rather than 3.

    The counts (a LIMIT it cannot read, it cannot plan to stop early at)
    and, for `more`, the status (which lets it walk the section's index of
    published articles, Article.Meta.indexes, partial on the status) are
    written into the SQL rather than passed, for any plan made without the
    values. The statement is never prepared (ArticleManager.cards_around),
    so PostgreSQL plans it for each run's tags: a generic plan cannot tell
    rare tags from common ones. Prepared, PostgreSQL planned each run while
    the table was vacuumed, but kept a generic plan after five runs while it
    was not (after a large import, say): with 100,000 articles that plan
    took 115-250 ms a run rather than 3.
    """
    more_count, related_count, candidates = counts
    articles = model._meta.db_table
    links = TaggedArticle._meta.db_table
    moment = connection.ops.adapt_datetimefield_value(moment)
    newest_first = "ORDER BY a.published_at DESC, a.id DESC"
    more = (
        f"SELECT a.id FROM {articles} a WHERE a.status = {PUBLISHED_SQL} "
        "AND a.published_at <= %s "
        f"AND a.id <> %s AND a.section_id = %s {newest_first} LIMIT {int(more_count)}"
    )
    more_params = [moment, article, section]
    if not tags:
        return more, more_params
    live = "a.status = %s AND a.published_at <= %s AND a.id <> %s"
    live_params = [model.Status.PUBLISHED, moment, article]
    shared = f"t.tag_id IN ({', '.join(['%s'] * len(tags))})"
    newest = (
        f"SELECT a.id, a.published_at FROM {articles} a WHERE {live} "
        "AND a.id NOT IN (SELECT id FROM more) AND a.id IN (SELECT "
        f"t.content_object_id FROM {links} t WHERE {shared}) {newest_first} "
        f"LIMIT {int(candidates)}"
    )
    sql = (
        f"WITH more AS ({more}) SELECT id FROM more UNION ALL SELECT id FROM ("
        f"SELECT a.id FROM ({newest}) a JOIN {links} t ON t.content_object_id = a.id "
        f"WHERE {shared} GROUP BY a.id, a.published_at "
        "ORDER BY COUNT(*) DESC, a.published_at DESC, a.id DESC "
        f"LIMIT {int(related_count)}) ranked"
    )
    return sql, [*more_params, *live_params, *tags, *tags]


def split_around(found, article, more_count):
    """
    (more, related) of the cards `found` under `article` (ArticleQuerySet.
    around): the newest `more_count` of its section, newest first, and the
    others, most shared tags first, then the newest.
    """
    newest = sorted(found, key=lambda a: (a.published_at, a.pk), reverse=True)
    # Whatever else of its section is found is older than all of `more`.
    in_section = [a for a in newest if a.section_id == article.section_id]
    chosen = {a.pk for a in in_section[:more_count]}
    best = sorted(found, key=lambda a: (-a.shared, -a.published_at.timestamp(), -a.pk))
    return (
        [a for a in newest if a.pk in chosen],
        [a for a in best if a.pk not in chosen],
    )


class CardsAround:
    """
    The cards under an article whose statement is on its way (ReadingManager.
    send_cards_around): read() gives (more, related) as cards_around() does;
    finish() must follow, read or not (newsroom.sql.ReadAhead).
    """

    def __init__(self, compiled, sent, article, more_count):
        self.compiled = compiled
        self.sent = sent
        self.article = article
        self.more_count = more_count

    def read(self):
        found = self.compiled.built(self.sent.rows())
        return split_around(found, self.article, self.more_count)

    def finish(self):
        self.sent.finish()


class ReadingQuerySet:
    """
    What ArticleQuerySet asks for the reading pages beside each article's
    row, and the cards under an article.
    """

    def _beside_each(self, related, sql, output_field):
        """
        A column of each article read by `sql` from its `related` rows (the
        related name of a model pointing to it): `sql` names those rows
        `r`, `{table}` their table and `{article}` the article's id. SQL
        of our own, where a Subquery of the same took longer to build and
        compile than the database takes to answer it; so these queries
        must have the articles' table as their own, not joined or nested.
        """
        model = self.model._meta.get_field(related).related_model
        where = f"r.article_id = {self.model._meta.db_table}.id"
        return RawSQL(
            sql.format(table=model._meta.db_table, article=where),
            (),
            output_field=output_field,
        )

    def _has_any(self, related):
        """Whether each article has any `related` rows, beside its row."""
        return self._beside_each(
            related,
            "EXISTS (SELECT 1 FROM {table} r WHERE {article})",
            models.BooleanField(),
        )

    def _listed(self, links, article, target, row, order):
        """
        A column of each article listing its `links` rows (a model: its
        foreign key `article` names the article, `target` the row each links
        to) as JSON, [[...], ...] ([] for none): `row`, the columns of each
        (SQL, the link as `l` and what it links to as `o`), in `order`, built
        by the database (newsroom.sql.json_list_sql), so related rows ride
        on the article's own query.
        """
        to_article = links._meta.get_field(article)
        to_target = links._meta.get_field(target)
        joined = (
            f"FROM {links._meta.db_table} l "
            f"JOIN {to_target.related_model._meta.db_table} o "
            f"ON o.id = l.{to_target.column} "
            f"WHERE l.{to_article.column} = {self.model._meta.db_table}.id"
        )
        sql = json_list_sql(connections[self.db], row, joined, order)
        return RawSQL(sql, (), output_field=JSONField())

    def with_tag_list(self):
        """
        Each article with `tag_list`, its tag links as JSON, read in the
        same query: [[link id, tag id, tag name, tag slug], ...] by tag name,
        for keep_tags().
        """
        listed = self._listed(
            TaggedArticle,
            "content_object",
            "tag",
            "l.id, o.id, o.name, o.slug",
            "o.name",
        )
        return self.annotate(tag_list=listed)

    def with_byline_list(self, bios=False):
        """
        Each article with `byline_list`, its bylines as JSON, read in the
        same query: [[byline id, author id, role, position, author's name,
        slug], ...] in byline order, each with the author's bio too when
        `bios` (the article page's "About the authors"; cards show none),
        for bylines_from_row().
        """
        row = "l.id, o.id, l.role, l.position, o.name, o.slug"
        listed = self._listed(
            ArticleAuthor,
            "article",
            "author",
            f"{row}, o.bio" if bios else row,
            "l.position, l.id",
        )
        return self.annotate(byline_list=listed)

    def with_latest_update(self):
        """
        Each article with `latest_update_at`, when its newest live entry was
        posted or last edited (None without entries), read in the same
        query: Article.last_modified() counts it.
        """
        return self.annotate(latest_update_at=self._latest_update())

    def _latest_update(self):
        return self._beside_each(
            "live_entries",
            "SELECT r.updated_at FROM {table} r WHERE {article} "
            "ORDER BY r.updated_at DESC LIMIT 1",
            models.DateTimeField(),
        )

    def with_coverage(self):
        """
        with_latest_update(), and in the same query `first_entry_at`, when
        the first live entry was posted (when coverage began), and
        `latest_entry_id`, the newest entry's id (what the page's script
        asks what came after).
        """
        return self.annotate(
            latest_update_at=self._latest_update(),
            first_entry_at=self._beside_each(
                "live_entries",
                "SELECT r.created_at FROM {table} r WHERE {article} "
                "ORDER BY r.created_at, r.id LIMIT 1",
                models.DateTimeField(),
            ),
            latest_entry_id=self._beside_each(
                "live_entries",
                "SELECT MAX(r.id) FROM {table} r WHERE {article}",
                models.IntegerField(),
            ),
        )

    def with_corrections_flag(self):
        """
        Each article with `has_corrections`, read in the same query, so a
        page asks for an article's corrections only when it has some
        (the article page's ArticleParts.corrections).
        """
        return self.annotate(has_corrections=self._has_any("corrections"))

    def with_references_flag(self):
        """
        Each article with `has_references`, read in the same query: whether
        its body or its live entries' refer to anything (a picture, an
        article, an embed), so a page reads those only when there are
        (body_references_of(found=...)).
        """
        return self.annotate(has_references=self._has_any("body_references"))

    def with_reference_list(self):
        """
        Each article with `reference_list`, what its body refers to as JSON
        text, read in the same query, for references_from_row(): its
        pictures, the articles of its cards (with their sections and lead
        pictures) and its embeds (body.reference_list_sql). None for a live
        article, whose page reads its entries' with them in a query of
        their own (body_references_of).
        """
        sql = reference_list_sql(connections[self.db], self.model._meta.db_table)
        return self.annotate(
            reference_list=RawSQL(sql, (), output_field=models.TextField())
        )

    def with_latest_line(self):
        """
        Each article with `latest_entry_body`, the body of its live entry
        posted last, read in the same query: the line a front-page card
        shows (Article.latest_line). Only coverage still going on shows one,
        so only its entries are read (None for other articles, and without
        entries): asking for every card's article took the database about
        four times as long as the rest of the front page's card query.
        SQL of our own, as _beside_each() says why.
        """
        latest = self._beside_each(
            "live_entries",
            "SELECT r.body FROM {table} r WHERE {article} "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
            models.TextField(),
        )
        return self.annotate(
            latest_entry_body=RawSQL(
                f"CASE WHEN {self.model._meta.db_table}.live_state = %s "
                f"THEN ({latest.sql}) END",
                (self.model.LiveState.LIVE.value,),
                output_field=models.TextField(),
            )
        )

    def around(self, article, more_count=4, related_count=4, candidates=100):
        """
        The cards under `article`, in one query: `more`, the latest
        `more_count` of these articles in its section, and `related`, up to
        `related_count` others sharing its tags, most shared tags first,
        then the newest (the database ranks the newest `candidates` tag
        matches), neither ever `article` itself, `related` never one of
        `more`. Returns (more, related), ready for a card but for the body.
        Uses `article.tagged_items` as prefetched. The article page asks
        it of cards_around(), which compiles its SQL once.
        """
        tags = [item.tag_id for item in article.tagged_items.all()]
        counts = (more_count, related_count, candidates)
        found = self._around(
            article.pk, article.section_id, tags, timezone.now(), counts
        )
        return split_around(list(found), article, more_count)

    def _around(self, article, section, tags, moment, counts):
        """
        These articles among the cards under the article of id `article`
        (around_sql()), each annotated with `shared`, how many of `tags` it
        shares (related reading's rank).

        Which ids those are is asked in SQL of our own (around_sql()): the
        same question built from querysets nests four subqueries, and
        compiling it took longer than the rest of the page's queries.
        """
        sql, params = around_sql(
            self.model, connections[self.db], article, section, tags, moment, counts
        )
        shared = Value(0)
        if tags:
            shared = RawSQL(
                f"SELECT COUNT(*) FROM {TaggedArticle._meta.db_table} "
                f"WHERE content_object_id = {self.model._meta.db_table}.id "
                f"AND tag_id IN ({', '.join(['%s'] * len(tags))})",
                tags,
                output_field=models.IntegerField(),
            )
        return self.filter(pk__in=RawSQL(sql, params)).annotate(shared=shared)


class ReadingManager:
    """
    What ArticleManager reads for the reading pages: querysets built once
    per process, and their SQL compiled once.
    """

    def cards(self, latest_line=False):
        """
        Every article ready for its card (for_listing(), and with
        `latest_line` with_latest_line(), for the front page), built once
        (built_once()).
        """

        def build():
            listing = self.get_queryset().for_listing()
            return listing.with_latest_line() if latest_line else listing

        return self.built_once(
            ("cards", latest_line, bool(settings.FRAGMENT_CACHE_SECONDS)), build
        )

    def page_rows(self):
        """
        Every article with what its own page reads of its row: its section,
        lead and share pictures, live coverage moments and the corrections
        and references flags, its tags and bylines, and what its body refers
        to (with_coverage(), with_corrections_flag(), with_references_flag(),
        with_tag_list(), with_byline_list(), with_reference_list()), built
        once (built_once()).
        """
        return self.built_once(
            ("page",),
            lambda: (
                self.get_queryset()
                .select_related("section", "lead_image", "share_image")
                .with_coverage()
                .with_corrections_flag()
                .with_references_flag()
                .with_tag_list()
                .with_byline_list(bios=True)
                .with_reference_list()
            ),
        )

    def page_row(self, slug, moment=None):
        """
        The article at `slug` live at `moment` (default: now), with what its
        own page reads of its row (page_rows()), or None: its SQL compiled
        once per process (newsroom.sql.CompiledOnce), where building and
        compiling that of page_rows() took about twice as long as the
        database takes to answer it.
        """
        values = self.page_row_values(slug, moment)
        return None if values is None else self.from_page_row(values)

    def page_row_values(self, slug, moment=None):
        """
        What page_row() reads, as the database gives it: a tuple of plain
        values (numbers, text, moments; its tags, bylines and references as
        JSON text), or None. What the article page keeps of the article:
        it pickles in a fraction of the time the instances built from it
        take, and is built into them again by from_page_row().
        """
        found = self._page_row.rows(slug=slug, moment=moment or timezone.now())
        return found[0] if found else None

    def from_page_row(self, values):
        """
        The article of a page row's `values` (page_row_values()), with its
        section and pictures, as page_row() reads it: no query.
        """
        return self._page_row.built([values])[0]

    @cached_property
    def _page_row(self):
        fields = self.model._meta
        return CompiledOnce(
            lambda slug, moment: self.page_rows().live_at(moment).filter(slug=slug),
            slug=fields.get_field("slug"),
            moment=fields.get_field("published_at"),
        )

    def cards_by_id(self, ids):
        """
        {id: article} of the articles of `ids` ready for their cards with
        their latest line (cards(latest_line=True)), in no order: the front
        page's. The SQL for each number of ids is compiled once per process
        (newsroom.sql.CompiledOnce), where building and compiling it took
        about as long as reading the rows.
        """
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        names = [f"id{n}" for n in range(len(ids))]
        key = (len(ids), bool(settings.FRAGMENT_CACHE_SECONDS))
        if key not in self._cards_by_id:
            self._cards_by_id[key] = CompiledOnce(
                lambda **ids: (
                    self.cards(latest_line=True)
                    .filter(pk__in=[ids[name] for name in names])
                    .order_by()
                ),
                **dict.fromkeys(names, self.model._meta.pk),
            )
        found = self._cards_by_id[key].run(**dict(zip(names, ids, strict=True)))
        return {article.pk: article for article in found}

    @cached_property
    def _cards_by_id(self):
        return {}

    def latest_cards(self, about, subject, rows, moment=None):
        """
        The articles live at `moment` (default: now) of a section, by an
        author or tagged with a tag (`about`: "section", "author" or "tag";
        `subject`, its id), newest first, those of the slice `rows`, ready
        for their cards (cards()): a list page's articles. Each slice's SQL
        is compiled once per process (newsroom.sql.CompiledOnce), where
        building and compiling it took about as long as reading its rows.
        """
        key = (about, rows.start, rows.stop, bool(settings.FRAGMENT_CACHE_SECONDS))
        if key not in self._latest_cards:
            queryset = self._queryset_class  # ArticleQuerySet
            narrow, field = {
                "section": (queryset.in_section, "section"),
                "author": (queryset.by_author, "authors"),
                "tag": (queryset.tagged, "tagged_items__tag"),
            }[about]
            self._latest_cards[key] = CompiledOnce(
                lambda subject, moment: narrow(
                    self.cards().live_at(moment), subject
                ).latest_first()[rows],
                subject=self._compared(field),
                moment=self.model._meta.get_field("published_at"),
            )
        return self._latest_cards[key].run(
            subject=subject, moment=moment or timezone.now()
        )

    @cached_property
    def _latest_cards(self):
        return {}

    def cards_around(
        self, article, more_count=4, related_count=4, candidates=100, moment=None
    ):
        """
        The cards under `article` live at `moment` (default: now), ready for
        their cards (cards()): (more, related) as ArticleQuerySet.around()
        gives them. The SQL for each number of the article's tags is compiled
        once per process (newsroom.sql.CompiledOnce), where building and
        compiling it took longer than the database takes to answer it. It
        is never prepared, so PostgreSQL plans it for the article's own tags
        on every run (around_sql()).
        """
        compiled, values = self._compiled_around(
            article, more_count, related_count, candidates, moment
        )
        return split_around(compiled.run(**values), article, more_count)

    def send_cards_around(
        self, article, more_count=4, related_count=4, candidates=100, moment=None
    ):
        """
        cards_around()'s statement sent now and read later (CardsAround):
        the article page sends it as soon as it has the article's row, and
        the database answers it while the article above the cards renders
        (newsroom.sql.ReadAhead).
        """
        compiled, values = self._compiled_around(
            article, more_count, related_count, candidates, moment
        )
        sent = compiled.read_ahead(**values)
        return CardsAround(compiled, sent, article, more_count)

    def _compiled_around(self, article, more_count, related_count, candidates, moment):
        """(the CompiledOnce of the cards under `article`, the values of its run)."""
        tags = [item.tag_id for item in article.tagged_items.all()]
        counts = (more_count, related_count, candidates)
        names = [f"tag{n}" for n in range(len(tags))]
        key = (len(tags), counts, bool(settings.FRAGMENT_CACHE_SECONDS))
        if key not in self._cards_around:
            self._cards_around[key] = CompiledOnce(
                lambda article, section, moment, **tags: (
                    self.cards()
                    .live_at(moment)
                    ._around(
                        article,
                        section,
                        [tags[name] for name in names],
                        moment,
                        counts,
                    )
                ),
                planned_each_run=True,
                article=self.model._meta.pk,
                section=self._compared("section"),
                moment=self.model._meta.get_field("published_at"),
                **dict.fromkeys(names, self._compared("tagged_items__tag")),
            )
        values = {
            "article": article.pk,
            "section": article.section_id,
            "moment": moment or timezone.now(),
            **dict(zip(names, tags, strict=True)),
        }
        return self._cards_around[key], values

    @cached_property
    def _cards_around(self):
        return {}

    def _compared(self, path):
        """The field a filter on `path` (names joined by __) compares with."""
        *joins, name = path.split("__")
        model = self.model
        for join in joins:
            model = model._meta.get_field(join).related_model
        return model._meta.get_field(name).target_field

    def built_once(self, key, build):
        """
        A copy of the queryset `build()` makes, built once per process under
        `key`: narrowing a copy of it costs a fraction of building it again
        for every page that reads it. The one built is never run itself.
        """
        if key not in self._built:
            self._built[key] = build()
        return self._built[key].all()

    @cached_property
    def _built(self):
        return {}
