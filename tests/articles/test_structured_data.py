"""JSON-LD on the reading pages, canonical and prev/next links."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.factories import (
    make_article,
    make_author,
    make_correction,
    make_image,
    make_section,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def json_ld(response):
    """Every JSON-LD object of the page, parsed, by @type."""
    assert response.status_code == 200
    page = parse(response)
    items = [
        json.loads(element.string)
        for element in page.select('script[type="application/ld+json"]')
    ]
    return {item["@type"]: item for item in items}


def test_article_carries_news_article_with_every_property(client):
    jane = make_author(name="Jane Doe", slug="jane-doe")
    john = make_author(name="John Roe", slug="john-roe")
    section = make_section(name="News", slug="news")
    article = make_article(
        title="Harbour plan approved",
        standfirst="The council voted for it.",
        section=section,
        authors=[jane, (john, ArticleAuthor.Role.PHOTOGRAPHER)],
        tags=["harbour", "council"],
        lead_image=make_image(),
        published_at=timezone.now() - timedelta(days=1),
    )
    make_correction(article, text="An earlier version misspelt the mayor's name.")
    items = json_ld(client.get(article.get_absolute_url()))
    data = items["NewsArticle"]
    url = SITE + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Harbour plan approved"
    assert data["description"] == "The council voted for it."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"].startswith(f"{article.published_at:%Y}")
    assert data["dateModified"] >= data["datePublished"] or data["dateModified"]
    assert data["author"] == [
        {"@type": "Person", "name": "Jane Doe", "url": f"{SITE}/authors/jane-doe/"},
        {"@type": "Person", "name": "John Roe", "url": f"{SITE}/authors/john-roe/"},
    ]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["name"] == "The Newsroom Herald"
    assert data["publisher"]["logo"]["url"].startswith(SITE)
    assert data["articleSection"] == "News"
    assert sorted(data["keywords"]) == ["council", "harbour"]
    assert data["image"] and all(u.startswith(SITE) for u in data["image"])
    assert [c["text"] for c in data["correction"]] == [
        "An earlier version misspelt the mayor's name."
    ]
    assert data["correction"][0]["@type"] == "CorrectionComment"
    crumbs = items["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == [
        "The Newsroom Herald",
        "News",
        "Harbour plan approved",
    ]
    assert crumbs[-1]["item"] == url


def test_lead_image_is_given_at_each_aspect_ratio_it_has(client):
    """One URL per shape the picture was made in, widest rendition of each."""
    article = make_article(lead_image=make_image())
    image = article.lead_image
    shapes = {
        round(r.width / r.height, 2)
        for r in image.renditions.all()
        if r.format == "jpeg"
    }
    # A 16:9 photograph gives its own shape, the cards' 3:2 crop and the
    # 1200×630 sharing crop: three aspect ratios, as search engines ask.
    assert shapes == {1.78, 1.5, 1.9}
    data = json_ld(client.get(article.get_absolute_url()))["NewsArticle"]
    assert len(data["image"]) == 3


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (Article.Kind.NEWS, "NewsArticle"),
        (Article.Kind.OPINION, "OpinionNewsArticle"),
        (Article.Kind.ANALYSIS, "AnalysisNewsArticle"),
        (Article.Kind.REVIEW, "ReviewNewsArticle"),
        (Article.Kind.FEATURE, "NewsArticle"),
    ],
)
def test_article_type_follows_its_kind(client, kind, schema_type):
    article = make_article(kind=kind)
    assert schema_type in json_ld(client.get(article.get_absolute_url()))


def test_seo_fields_win_in_title_description_and_json_ld(client):
    article = make_article(
        title="A very long headline about the harbour plan and its many critics",
        standfirst="The standfirst.",
        seo_title="Harbour plan approved",
        seo_description="What the council decided.",
    )
    response = client.get(article.get_absolute_url())
    page = parse(response)
    assert page.title.string.startswith("Harbour plan approved |")
    assert page.select_one('meta[name="description"]')["content"] == (
        "What the council decided."
    )
    data = json_ld(response)["NewsArticle"]
    assert data["headline"] == "Harbour plan approved"
    assert data["description"] == "What the council decided."


def test_json_ld_survives_a_headline_that_closes_the_script(client):
    """An editor's </script> or <!-- stays inside the JSON, as text."""
    hostile = 'Harbour </script><script>alert("x")</script> <!-- & more'
    article = make_article(title=hostile, standfirst="</SCRIPT> too")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "</SCRIPT> too" not in html.split("<body")[0]
    data = json_ld(response)["NewsArticle"]
    assert data["headline"] == hostile
    assert data["description"] == "</SCRIPT> too"


def test_home_carries_website_with_search_action(client):
    make_article()
    data = json_ld(client.get(reverse("articles:home")))["WebSite"]
    assert data["url"] == f"{SITE}/"
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{SITE}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"


def test_section_author_and_tag_pages_describe_themselves(client):
    author = make_author(name="Jane Doe", slug="jane-doe", role="Reporter")
    section = make_section(name="Sport", slug="sport", description="Games.")
    make_article(section=section, authors=[author], tags=["harbour"])

    items = json_ld(client.get("/sport/"))
    assert items["CollectionPage"]["name"] == "Sport"
    assert items["CollectionPage"]["url"] == f"{SITE}/sport/"
    assert [c["name"] for c in items["BreadcrumbList"]["itemListElement"]] == [
        "The Newsroom Herald",
        "Sport",
    ]

    items = json_ld(client.get("/authors/jane-doe/"))
    profile = items["ProfilePage"]
    assert profile["mainEntity"]["@type"] == "Person"
    assert profile["mainEntity"]["name"] == "Jane Doe"
    assert profile["mainEntity"]["jobTitle"] == "Reporter"
    assert profile["mainEntity"]["url"] == f"{SITE}/authors/jane-doe/"

    items = json_ld(client.get("/tags/harbour/"))
    assert items["CollectionPage"]["name"] == "Articles about harbour"
    assert items["BreadcrumbList"]["itemListElement"][-1]["item"] == (
        f"{SITE}/tags/harbour/"
    )


def test_paginated_lists_link_prev_next_and_their_canonical_page(client):
    section = make_section(slug="news")
    for _ in range(45):
        make_article(section=section)
    first = parse(client.get("/news/")).head
    assert first.select_one('link[rel="canonical"]')["href"] == f"{SITE}/news/"
    assert first.select_one('link[rel="prev"]') is None
    assert first.select_one('link[rel="next"]')["href"] == f"{SITE}/news/?page=2"
    middle = parse(client.get("/news/?page=2")).head
    assert middle.select_one('link[rel="canonical"]')["href"] == f"{SITE}/news/?page=2"
    assert middle.select_one('link[rel="prev"]')["href"] == f"{SITE}/news/"
    assert middle.select_one('link[rel="next"]')["href"] == f"{SITE}/news/?page=3"
    last = parse(client.get("/news/?page=3")).head
    assert last.select_one('link[rel="next"]') is None


def test_json_ld_escapes_what_could_close_the_script_and_keeps_other_text():
    from articles.structured_data import script_safe

    text = "Ceasefire — “talks </script> <!-- & more” é"
    written = script_safe(json.dumps(text, ensure_ascii=False))
    assert not {"<", ">", "&"} & set(written)
    assert "\\u003C/script\\u003E \\u003C!-- \\u0026 more" in written
    assert "Ceasefire — “talks" in written
    assert json.loads(written) == text


def test_json_ld_writes_lazy_text_and_escapes_what_could_close_its_element():
    """
    What JSON has no type for is written as Django's encoder writes it, and
    <, > and & as \\u escapes, whatever writes the JSON.
    """
    from django.utils.translation import gettext_lazy

    from articles.structured_data import script

    html = script({"name": gettext_lazy("Home"), "text": "</script><!-- & "})
    text = html.removeprefix('<script type="application/ld+json">').removesuffix(
        "</script>"
    )
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "Home", "text": "</script><!-- & "}
