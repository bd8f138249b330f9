"""The search page: live articles matching the reader's words, ranked and filtered."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.factories import make_article, make_author, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def search_page(client, query, **params):
    response = client.get(reverse("articles:search"), {"q": query, **params})
    assert response.status_code == 200
    return parse(response)


def result_titles(client, query, **params):
    page = search_page(client, query, **params)
    return [text(a) for a in page.select(".result__title a")]


def test_search_finds_live_articles_by_headline_standfirst_body_or_byline(client):
    """A word in any of headline, standfirst, body or byline names finds it."""
    make_article(title="Harbour plan approved", standfirst="Councillors voted.")
    make_article(title="Budget day", standfirst="The harbour gets new money.")
    make_article(title="Quiet week", body="<p>Boats left the harbour early.</p>")
    make_article(title="Cup final", authors=[make_author(name="Mary Harbour")])
    make_article(title="Nothing here", standfirst="A late goal.")
    assert sorted(result_titles(client, "harbour")) == [
        "Budget day",
        "Cup final",
        "Harbour plan approved",
        "Quiet week",
    ]


def test_search_ranks_headline_above_standfirst_above_body_above_byline(client):
    """
    The same word ranks by where it is found, whatever the dates: headline,
    then standfirst, then body (even when said there many times), then byline.
    """
    now = timezone.now()
    make_article(
        title="In the byline",
        authors=[make_author(name="Seán Lighthouse")],
        published_at=now - timedelta(minutes=1),
    )
    make_article(
        title="In the body",
        body="<p>The lighthouse, the lighthouse and the lighthouse again.</p>",
        published_at=now - timedelta(minutes=2),
    )
    make_article(
        title="In the standfirst",
        standfirst="A lighthouse keeper retires.",
        published_at=now - timedelta(minutes=3),
    )
    make_article(title="Lighthouse restored", published_at=now - timedelta(days=30))
    assert result_titles(client, "lighthouse") == [
        "Lighthouse restored",
        "In the standfirst",
        "In the body",
        "In the byline",
    ]


def test_search_needs_every_word(client):
    """Two words find the articles that have both."""
    make_article(title="Harbour plan approved", standfirst="Council voted.", body="")
    make_article(title="Harbour closed for storm", standfirst="Boats stay.", body="")
    assert result_titles(client, "harbour council") == ["Harbour plan approved"]


def test_search_leaves_out_words_after_a_minus(client):
    """-word drops the articles that contain it."""
    make_article(title="Harbour plan approved", standfirst="Council voted.", body="")
    make_article(title="Harbour closed for storm", standfirst="Boats stay.", body="")
    assert result_titles(client, "harbour -council") == ["Harbour closed for storm"]


@on_postgresql
def test_postgresql_search_understands_phrases_or_and_stems(client):
    """English stemming, "a phrase" in order, and `or` between words."""
    make_article(title="Ferries sailing again", standfirst="After the storm.")
    make_article(title="Storm after the ferries", standfirst="Nobody is sailing.")
    make_article(title="Cattle mart reopens", standfirst="Prices are up.")
    assert sorted(result_titles(client, "ferry")) == [
        "Ferries sailing again",
        "Storm after the ferries",
    ]
    assert result_titles(client, '"ferries sailing"') == ["Ferries sailing again"]
    assert sorted(result_titles(client, "cattle or storm")) == [
        "Cattle mart reopens",
        "Ferries sailing again",
        "Storm after the ferries",
    ]


def test_search_ignores_case(client):
    """Capitals in the query or the text make no difference."""
    make_article(title="GALWAY wins the cup")
    assert result_titles(client, "galway") == ["GALWAY wins the cup"]


def test_search_never_shows_unpublished_articles(client):
    """Drafts, reviews and scheduled pieces are not found."""
    make_article(title="Secret harbour draft", status=Article.Status.DRAFT)
    make_article(title="Secret harbour review", status=Article.Status.REVIEW)
    make_article(
        title="Secret harbour scheduled",
        published_at=timezone.now() + timedelta(hours=2),
    )
    assert result_titles(client, "secret harbour") == []


def test_search_result_shows_a_snippet_with_the_match_highlighted(client):
    """
    The snippet comes from where the word is (here deep in the body), with
    the matched word in <mark> and the body's HTML gone.
    """
    filler = " ".join(["Nothing of note happened that day."] * 20)
    make_article(
        title="A long day",
        standfirst="The council sat late.",
        body=f"<p>{filler}</p><p>Then the <strong>lighthouse</strong> went dark.</p>",
    )
    page = search_page(client, "lighthouse")
    snippet = page.select_one(".result__snippet")
    assert [text(m) for m in snippet.select("mark")] == ["lighthouse"]
    assert "went dark" in text(snippet)
    assert "<strong>" not in str(snippet)


def test_snippet_escapes_what_the_article_says(client):
    """Text that looks like markup is shown, never run."""
    make_article(
        title="Markup in the standfirst",
        standfirst="Readers typed <script>alert(1)</script> into the lighthouse form.",
    )
    page = search_page(client, "lighthouse")
    snippet = page.select_one(".result__snippet")
    assert snippet.select("script") == []
    assert "<script>alert(1)</script>" in text(snippet)
    assert [text(m) for m in snippet.select("mark")] == ["lighthouse"]


def test_search_filters_by_section_kind_and_dates(client):
    """Section, kind and a date range narrow the results; filters combine."""
    news, sport = make_section(name="News", slug="news"), make_section(slug="sport")
    now = timezone.now()
    make_article(title="Harbour news today", section=news, published_at=now)
    make_article(
        title="Harbour opinion old",
        section=news,
        kind=Article.Kind.OPINION,
        published_at=now - timedelta(days=40),
    )
    make_article(title="Harbour regatta", section=sport, published_at=now)
    assert sorted(result_titles(client, "harbour", section="news")) == [
        "Harbour news today",
        "Harbour opinion old",
    ]
    assert result_titles(client, "harbour", kind="opinion") == ["Harbour opinion old"]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert sorted(result_titles(client, "harbour", start=since)) == [
        "Harbour news today",
        "Harbour regatta",
    ]
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert result_titles(client, "harbour", end=until) == ["Harbour opinion old"]
    assert result_titles(client, "harbour", section="news", start=since) == [
        "Harbour news today"
    ]


def test_bad_filters_get_a_message_and_keep_what_was_typed(client):
    """An unknown section, a date that is no date, or an end before the start."""
    make_article(title="Harbour news")
    for params, message in [
        ({"section": "nowhere"}, "Select a valid choice"),
        ({"start": "31/31/2024"}, "Enter a valid date"),
        ({"start": "2024-05-02", "end": "2024-05-01"}, "end date is before"),
    ]:
        page = search_page(client, "harbour", **params)
        assert message in text(page.select_one(".field-error"))
        assert page.select(".result") == []
        assert page.select_one("#search-q")["value"] == "harbour"


def test_search_page_without_a_query_shows_the_form_only(client):
    """An empty or blank query lists nothing and runs no search."""
    make_article(title="Anything")
    for query in ("", "   "):
        page = search_page(client, query)
        assert page.select_one('form[role="search"] input[name="q"]')
        assert page.select(".result") == []
        assert page.select_one(".search-summary") is None


@pytest.mark.parametrize(
    "query",
    [
        "harbour\x00plan",
        "\x00",
        "'; DROP TABLE articles_article; --",
        "harbour & | ! :* <-> ( ) ' \"",
        '"unclosed phrase',
        "or or or -",
        "the and of",
        "\\",
        "%_%",
        "🙂" * 300,
        "harbour " * 500,
    ],
)
def test_hostile_queries_get_a_calm_page(client, query):
    """Control characters, SQL, tsquery syntax and floods never break the page."""
    make_article(title="Harbour plan approved")
    page = search_page(client, query)
    assert page.select_one("h1")


def test_overlong_query_is_cut_and_the_reader_told(client):
    """Past 200 characters the query is shortened, said so, and still searched."""
    make_article(title="Harbour plan approved")
    page = search_page(client, "harbour " + "x" * 300)
    assert "only its first 200" in text(page.select_one(".search-note"))
    assert page.select_one(".search-summary")


def test_search_page_says_how_many_matched_and_keeps_the_query(client):
    """The count is announced and the box keeps what the reader typed."""
    make_article(title="Harbour one")
    make_article(title="Harbour two")
    page = search_page(client, "harbour")
    assert text(page.select_one(".search-summary")) == "2 results for “harbour”"
    assert page.select_one("#search-q")["value"] == "harbour"
    page = search_page(client, "nothing-like-it")
    assert text(page.select_one(".search-summary")) == "0 results for “nothing-like-it”"
    assert "Nothing matched" in text(page.select_one(".empty"))


def test_search_results_are_paginated_keeping_the_query_and_filters(client):
    """The next page link carries ?q= and the filters along with ?page=."""
    section = make_section(slug="news")
    for n in range(23):
        make_article(title=f"Harbour story {n}", section=section)
    page = search_page(client, "harbour", section="news")
    assert len(page.select(".result")) == 20
    assert page.select_one('a[rel="next"]')["href"] == "?q=harbour&section=news&page=2"
    assert len(result_titles(client, "harbour", section="news", page=2)) == 3


def test_common_word_ranks_only_the_newest_matches_and_says_so(client, monkeypatch):
    """
    Past search.RANKED_MATCHES matches only the newest are ranked and shown,
    so a common word costs the same in any archive; the reader is told that
    older articles match too. A headline match that is too old to be among
    the newest matches is left out, however well it would rank.
    """
    monkeypatch.setattr("articles.search.RANKED_MATCHES", 3)
    section = make_section()
    now = timezone.now()
    old = make_article(
        title="Harbour harbour harbour",
        section=section,
        published_at=now - timedelta(days=30),
    )
    newest = [
        make_article(
            title=f"Story {n}",
            body="<p>The harbour was quiet.</p>",
            section=section,
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(4)
    ]
    page = search_page(client, "harbour")
    titles = [text(a) for a in page.select(".result__title a")]
    assert titles == [a.title for a in newest[:3]]
    assert old.title not in titles
    assert text(page.select_one(".search-summary")) == (
        "The newest 3 results for “harbour”"
    )
    assert "Older articles match too" in text(page.select_one(".search-note"))
    # Filters narrow the matches before the newest are kept.
    sport = make_section(slug="sport")
    kept = make_article(
        title="Harbour regatta", section=sport, published_at=now - timedelta(days=60)
    )
    assert result_titles(client, "harbour", section="sport") == [kept.title]


def test_misspelt_query_gets_did_you_mean_from_the_headlines(client):
    """A word in no article is corrected to the closest headline word."""
    make_article(title="Lighthouse keeper retires after forty years")
    make_article(title="Council approves budget")
    page = search_page(client, "lighthuose keeper")
    suggestion = page.select_one(".search-suggestion a")
    assert text(suggestion) == "lighthouse keeper"
    assert suggestion["href"] == "?q=lighthouse+keeper"
    assert result_titles(client, "lighthouse keeper") == [
        "Lighthouse keeper retires after forty years"
    ]


def test_no_suggestion_when_something_matched_or_nothing_is_close(client):
    make_article(title="Lighthouse keeper retires")
    assert search_page(client, "lighthouse").select_one(".search-suggestion") is None
    assert search_page(client, "zzqxv").select_one(".search-suggestion") is None


def test_masthead_search_box_is_on_every_reading_page(client):
    """A plain GET form to the search page in the masthead."""
    article = make_article(title="Harbour plan", tags=["harbour"])
    for url in [
        reverse("articles:home"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:tag", args=["harbour"]),
        reverse("articles:search"),
    ]:
        form = parse(client.get(url)).select_one(".masthead-search")
        assert form["action"] == reverse("articles:search")
        assert form["method"] == "get"
        assert form.select_one('input[name="q"]')


def test_byline_names_follow_every_change_to_the_bylines(client):
    """Adding, reordering, bulk-inserting and renaming keep byline search right."""
    article = make_article(title="Storm report")
    ann, bob = make_author(name="Ann Ferriter"), make_author(name="Bob Quayle")
    byline = ArticleAuthor.objects.create(article=article, author=ann)
    assert result_titles(client, "ferriter") == ["Storm report"]
    ArticleAuthor.objects.bulk_create([ArticleAuthor(article=article, author=bob)])
    assert result_titles(client, "quayle") == ["Storm report"]
    byline.delete()
    assert result_titles(client, "ferriter") == []
    bob.name = "Robert Pierhead"
    bob.save()
    assert result_titles(client, "pierhead") == ["Storm report"]
    assert result_titles(client, "quayle") == []
    ArticleAuthor.objects.filter(article=article).delete()
    assert result_titles(client, "pierhead") == []
    article.refresh_from_db()
    assert article.byline_names == ""


def test_bulk_created_articles_are_searchable(client):
    """Articles inserted in bulk (as the demo loader does) are found at once."""
    section = make_section()
    Article.objects.bulk_create(
        [
            Article(
                title=f"Bulk harbour {n}",
                slug=f"bulk-harbour-{n}",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(hours=1),
            )
            for n in range(3)
        ]
    )
    assert len(result_titles(client, "harbour")) == 3


@on_postgresql
def test_postgresql_keeps_an_indexed_search_vector_that_search_uses(client):
    """
    The stored document is current right after a save, and the search query
    can be answered from its GIN index.
    """
    article = make_article(title="Lighthouse", body="<p>Keeper</p>")
    article.body = "<p>Foghorn</p>"
    article.save()
    assert result_titles(client, "foghorn") == ["Lighthouse"]
    assert result_titles(client, "keeper") == []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        matches, _rank = Article.objects.search_matches("foghorn")
        plan = matches.explain()
        cursor.execute("RESET enable_seqscan")
    assert "article_search_vector_idx" in plan
