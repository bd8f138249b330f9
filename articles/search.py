"""
Readers' search: what an article's search document holds, how a query is
read, the highlighted snippet shown under each result and the "Did you mean"
spelling suggestion.

On PostgreSQL, articles carry a stored, indexed full-text document
(Article.search_vector, a generated column the database keeps current on every
insert and update, bulk ones included) and queries use the English
configuration with web-search syntax: "a phrase", `or`, `-word`. SQLite has no
full-text type: it matches words with LIKE behind the same interface
(ArticleQuerySet.search), ranks by the field a word is found in, and builds
snippets and suggestions in Python.
"""

import re
import unicodedata

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .body import plain_text

CONFIG = "english"

# The longest query read; anything longer is cut here and the reader told.
MAX_QUERY_LENGTH = 200

# ts_rank weights for D (byline names), C (body), B (standfirst), A (headline).
# With these, a word found once in a field outranks the same word found any
# number of times only in the fields below it.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]

# Markers of a highlighted match inside a raw snippet (control characters no
# article text contains: clean_query and the body sanitizer drop them).
START, STOP = "\x02", "\x03"

SNIPPET_WORDS = 32

# How many of the newest matches a search ranks and shows (50 pages of 20):
# readers refine a query long before that, and ranking every match of a
# common word in a large archive is what makes search slow.
RANKED_MATCHES = 1000


class SearchDocument(models.Func):
    """
    The full-text document of an article: headline (weight A), standfirst
    (B), body (C) and byline names (D), English configuration. The body's
    HTML tags are parsed as tags and not indexed. On databases other than
    PostgreSQL the stored column is NULL.
    """

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(
            SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("standfirst", weight="B", config=CONFIG)
            + SearchVector("body", weight="C", config=CONFIG)
            + SearchVector("byline_names", weight="D", config=CONFIG)
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", ()


def clean_query(value):
    """
    The reader's query as searched: control characters (NUL included, which
    PostgreSQL refuses in text) turned into spaces, runs of space collapsed,
    at most MAX_QUERY_LENGTH characters.
    """
    value = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in value
    )
    return " ".join(value.split())[:MAX_QUERY_LENGTH].strip()


def is_postgresql(using):
    """True when the database alias `using` is a PostgreSQL database."""
    return connections[using].vendor == "postgresql"


def web_search_query(query):
    return SearchQuery(query, search_type="websearch", config=CONFIG)


# Reading a query on SQLite: "a phrase", -word (excluded) and plain words. An
# `or` between words is ignored there (every other word must still appear).
TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def query_terms(query):
    """
    The (text, excluded) terms of a query, lower-cased, for the simpler
    search on SQLite and for highlighting there: [("harbour", False), …].
    """
    terms = []
    for match in TOKEN.finditer(query):
        minus, text = match.group(1, 2) if match[2] is not None else match.group(3, 4)
        text = text.strip().strip('"').lower()
        if not text or (not minus and text == "or"):
            continue
        terms.append((text, bool(minus)))
    return terms


def search_articles(articles, query):
    """
    Those of `articles` (a queryset) matching the reader's `query`, best
    match first: a match in the headline ranks above one in the standfirst,
    the body, then the byline names; newer first among equals. Apply every
    filter first and search last, on published() for reader pages. A query
    with no word to look for (empty, or only -excluded words) matches
    nothing.

    Ranking reads every match's whole document, so only the newest
    RANKED_MATCHES matches are ranked and returned: the cost of a
    common word stays flat as the archive grows. Their keys are fetched
    here, in one query, so that the page and its count read a short list
    instead of searching twice.
    """
    matches, rank = match_articles(articles, query)
    newest = matches.order_by("-published_at", "-pk").values_list("pk", flat=True)
    keys = list(newest[:RANKED_MATCHES])
    return (
        articles.filter(pk__in=keys)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-pk")
    )


def match_articles(articles, query):
    """
    Those of `articles` matching `query`, unordered, and the expression that
    ranks them (see search_articles).
    """
    query = clean_query(query)
    terms = query_terms(query)
    wanted = [text for text, excluded in terms if not excluded]
    if not wanted:
        return articles.none(), models.Value(0)
    if is_postgresql(articles.db):
        terms = web_search_query(query)
        rank = SearchRank(models.F("search_vector"), terms, weights=RANK_WEIGHTS)
        return articles.filter(search_vector=terms), rank
    fields = ("title", "standfirst", "body", "byline_names")
    condition, rank = Q(), models.Value(0)
    for text, excluded in terms:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": text})
        condition &= ~anywhere if excluded else anywhere
        if not excluded:
            rank += models.Case(
                *(
                    models.When(Q(**{f"{field}__icontains": text}), then=weight)
                    for field, weight in zip(fields, (8, 4, 2, 1), strict=True)
                ),
                default=0,
            )
    return articles.filter(condition), rank


def mark(raw):
    """
    A raw snippet (plain text with START/STOP around each match) as safe HTML:
    the text escaped, each match in <mark>.
    """
    parts = re.split(f"([{START}{STOP}])", raw)
    out, open_ = [], False
    for part in parts:
        if part == START and not open_:
            out.append("<mark>")
            open_ = True
        elif part == STOP and open_:
            out.append("</mark>")
            open_ = False
        elif part not in (START, STOP):
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))


def escaped(field):
    """The text of `field` with &, < and > written as HTML entities (in SQL)."""
    expression = models.F(field)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = models.functions.Replace(
            expression,
            models.Value(char),
            models.Value(entity),
            output_field=models.TextField(),
        )
    return expression


def add_snippets(articles, query):
    """
    Give each of `articles` (one page of results) a `snippet`: a few dozen
    words of its standfirst or body around the match, escaped, with the
    matched words in <mark>. One query on PostgreSQL (ts_headline over the
    standfirst and the body text), none elsewhere.
    """
    articles = list(articles)
    if not articles:
        return articles
    model, using = type(articles[0]), articles[0]._state.db
    if is_postgresql(using):
        raw = dict(
            model.objects.using(using)
            .filter(pk__in=[a.pk for a in articles])
            .annotate(
                raw_snippet=SearchHeadline(
                    models.functions.Concat(
                        # The standfirst is plain text, the body HTML: escape
                        # the standfirst so that stripping tags keeps its words.
                        escaped("standfirst"),
                        models.Value(" "),
                        "body",
                        output_field=models.TextField(),
                    ),
                    web_search_query(query),
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "raw_snippet")
        )
        for article in articles:
            article.snippet = mark(plain_text(raw.get(article.pk, "")))
        return articles
    terms = [text for text, excluded in query_terms(query) if not excluded]
    for article in articles:
        article.snippet = mark(
            excerpt(f"{article.standfirst} {plain_text(article.body)}", terms)
        )
    return articles


def excerpt(text, terms, words=SNIPPET_WORDS):
    """
    About `words` words of `text` around the first place one of `terms`
    appears (the start when none does), each occurrence of a term wrapped in
    START/STOP.
    """
    lowered = text.lower()
    found = [lowered.find(term) for term in terms]
    found = [at for at in found if at >= 0]
    start = 0
    if found:
        first = min(found)
        before = text[:first].split()
        start = len(" ".join(before[: max(0, len(before) - words // 4)]))
    tokens = text[start:].split()
    snippet = " ".join(tokens[:words])
    if start:
        snippet = "… " + snippet
    if len(tokens) > words:
        snippet += " …"
    if terms:
        pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        snippet = re.sub(
            f"({pattern})",
            lambda m: f"{START}{m[1]}{STOP}",
            snippet,
            flags=re.IGNORECASE,
        )
    return snippet


# Did you mean


def trigrams(word):
    """The trigrams pg_trgm makes of one word (two spaces before, one after)."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """pg_trgm's similarity() of two words: shared trigrams over all of them."""
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


WORD = re.compile(r"[^\W\d_]{3,}")

# A suggested word must be at least this similar to the typed one.
SUGGESTION_SIMILARITY = 0.35
# Headlines are candidates when the typed word is this similar to a part of
# them (pg_trgm's word_similarity).
SUGGESTION_WORD_SIMILARITY = 0.4


def suggest_spelling(query, candidate_headlines):
    """
    The query with each word that appears in no candidate headline replaced
    by the most similar word that does, or None when nothing would change.
    `candidate_headlines(word)` returns headlines likely to hold a correction
    of `word` (ArticleQuerySet.spelling_candidates). Excluded words (-word)
    and the `or` operator are left alone.
    """
    changed = False

    def correct(match):
        nonlocal changed
        word = match[0]
        start = match.start()
        if word.lower() == "or" or (start and query[start - 1] == "-"):
            return word
        vocabulary = {
            w.lower()
            for headline in candidate_headlines(word)
            for w in WORD.findall(headline)
        }
        if not vocabulary or word.lower() in vocabulary:
            return word
        best = max(vocabulary, key=lambda w: (similarity(word, w), w))
        if similarity(word, best) < SUGGESTION_SIMILARITY:
            return word
        changed = True
        return best

    suggestion = WORD.sub(correct, query)
    return suggestion if changed else None


def suggest_from_headlines(articles, query):
    """
    "Did you mean": the query with its misspelt words replaced by the
    closest words of the headlines of `articles`, or None. On PostgreSQL
    the candidates come from pg_trgm word similarity (indexed), one
    query per word; elsewhere from the latest headlines, one query.
    """
    query = clean_query(query)
    if not is_postgresql(articles.db):
        latest = []

        def latest_headlines(word):
            if not latest:
                latest.extend(
                    articles.latest_first().values_list("title", flat=True)[:2000]
                )
            return latest

        return suggest_spelling(query, latest_headlines)

    def similar_headlines(word):
        return (
            articles.filter(title__trigram_word_similar=word)
            .annotate(similarity=TrigramWordSimilarity(word, "title"))
            .order_by("-similarity")
            .values_list("title", flat=True)[:5]
        )

    with transaction.atomic(using=articles.db):
        with connections[articles.db].cursor() as cursor:
            # pg_trgm's default (0.6) misses a swapped pair of letters
            # in a long word; for this transaction only.
            cursor.execute(
                "SET LOCAL pg_trgm.word_similarity_threshold = %s",
                [SUGGESTION_WORD_SIMILARITY],
            )
        return suggest_spelling(query, similar_headlines)
