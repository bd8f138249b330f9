"""
Section, author and tag pages keep their list (with its pagination links and
the lead picture's preload) as fragments under the content version, read in
one round trip: a warm list page fetches no article, and a change, a
scheduled publication or an unknown page still shows on the next request.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    section = make_section(name="Harbour")
    author = make_author(name="Aoife Byrne")
    for age in range(1, 26):  # two pages of 20
        make_article(
            section=section,
            authors=[author],
            tags=["ferries"],
            title=f"Harbour story {age}",
            lead_image=make_image() if age == 1 else None,
            published_at=timezone.now() - timedelta(hours=age),
        )
    return section, author


def urls(paper):
    section, author = paper
    return [section.get_absolute_url(), author.get_absolute_url(), "/tags/ferries/"]


def titles(response):
    return [text(a) for a in parse(response).select(".card__title a")]


def test_a_warm_list_page_looks_up_only_what_it_is_about(
    client, paper, django_assert_max_num_queries
):
    # The section comes from the section bar's kept list: no query at all.
    for url, queries in zip(urls(paper), (0, 1, 1), strict=True):
        for query in ("", "?page=2"):
            first = client.get(url + query)
            assert first.status_code == 200
            with django_assert_max_num_queries(queries):
                again = client.get(url + query)
            assert again.content == first.content


def test_an_unknown_section_answers_404(client, paper):
    assert client.get("/no-such-section/").status_code == 404


def test_a_warm_list_page_reads_its_parts_in_one_round_trip(client, paper, monkeypatch):
    section, _ = paper
    url = section.get_absolute_url()
    client.get(url)
    calls, inside = [], []
    for name in ("get", "get_many"):
        method = getattr(LocMemCache, name)

        # A local-memory get_many calls get for each key: one call is counted.
        def spy(self, key, *args, _method=method, _name=name, **kwargs):
            if not inside:
                calls.append((_name, key))
            inside.append(_name)
            try:
                return _method(self, key, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(LocMemCache, name, spy)
    page = client.get(url)
    fragment_reads = [
        (name, key) for name, key in calls if "pages:fragment:" in str(key)
    ]
    # The page's three parts are one entry (newsroom.cache.Fragments).
    assert [name for name, _ in fragment_reads] == ["get"]
    assert len(cache.get(fragment_reads[0][1])) == 3
    assert titles(page)[0] == "Harbour story 1"


def test_the_page_from_the_cache_keeps_its_head_links_and_preload(client, paper):
    section, _ = paper
    url = section.get_absolute_url()
    for query, canonical, newer, older, preloaded in (
        ("", url, None, url + "?page=2", True),
        ("?page=2", url + "?page=2", url, None, False),
    ):
        rendered = client.get(url + query)
        kept = client.get(url + query)
        assert kept.content == rendered.content
        head = parse(kept).head

        def link(rel, head=head):
            found = head.select_one(f'link[rel="{rel}"]')
            if found is None:
                return None
            return found["href"].split("://", 1)[-1].partition("/")[2]

        assert "/" + link("canonical") == canonical
        assert (link("prev") and "/" + link("prev")) == newer
        assert (link("next") and "/" + link("next")) == older
        preload = head.select_one('link[rel="preload"][as="image"]')
        assert (preload is not None) == preloaded


def test_the_rest_of_the_query_is_kept_in_the_pagination_links(client, paper):
    section, _ = paper
    url = section.get_absolute_url()
    client.get(url)  # the plain first page is kept
    tagged = client.get(url + "?ref=newsletter")
    older = parse(tagged).select_one('a.pagination__link[rel="next"]')
    assert "ref=newsletter" in older["href"]
    plain = parse(client.get(url)).select_one('a.pagination__link[rel="next"]')
    assert "ref=" not in plain["href"]


def test_a_publish_shows_on_the_next_render_of_every_list(client, paper):
    section, author = paper
    for url in urls(paper):
        client.get(url)
    make_article(
        section=section, authors=[author], tags=["ferries"], title="Ferry strike"
    )
    for url in urls(paper):
        assert titles(client.get(url))[0] == "Ferry strike"


def test_a_scheduled_article_leads_the_section_when_its_time_comes(client, paper):
    section, _ = paper
    url = section.get_absolute_url()
    scheduled = make_article(
        section=section,
        title="Scheduled for a moment from now",
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert scheduled.title not in titles(client.get(url))
    time.sleep(max(scheduled.published_at.timestamp() - time.time(), 0) + 0.1)
    assert titles(client.get(url))[0] == scheduled.title


def test_pages_that_do_not_exist_still_answer_404_with_the_first_page_kept(
    client, paper
):
    section, _ = paper
    url = section.get_absolute_url()
    client.get(url)
    for query in ("?page=3", "?page=0", "?page=abc", "?page=last", "?page=51"):
        assert client.get(url + query).status_code == 404, query


def test_a_tag_whose_last_live_article_goes_answers_404_though_it_was_kept(client):
    article = make_article(title="The only ferry story", tags=["lonely-ferry"])
    assert client.get("/tags/lonely-ferry/").status_code == 200
    assert client.get("/tags/lonely-ferry/").status_code == 200  # from the cache
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get("/tags/lonely-ferry/").status_code == 404


def test_without_a_shared_cache_every_render_fetches_the_list(
    client, paper, settings, django_assert_max_num_queries
):
    settings.FRAGMENT_CACHE_SECONDS = 0
    section, _ = paper
    url = section.get_absolute_url()
    first = client.get(url)
    with django_assert_max_num_queries(6) as queries:
        again = client.get(url)
    assert len(queries) >= 2
    assert again.content == first.content
