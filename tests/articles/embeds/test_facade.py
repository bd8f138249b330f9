"""
The embed element on our pages (elements.embed_html): a link card until the
embed is resolved, then the facade (our thumbnail, the title, the provider, a
button), which loads nothing from the provider: the only third-party address
in a src or href is the link to the original.
"""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from articles.elements import embed_html
from articles.models import ResolvedEmbed
from tests.factories import make_article, make_resolved_embed
from tests.html import text

pytestmark = pytest.mark.django_db

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def render(url, embed):
    return BeautifulSoup(embed_html(url, embed), "html.parser")


@pytest.fixture
def embed():
    return make_resolved_embed(url=URL)


def test_an_unresolved_embed_is_a_link_card_with_its_provider():
    """The URL as a link and the provider's name; nothing else."""
    page = render(URL, None)
    link = page.select_one("a")
    assert link["href"] == URL
    assert text(page.select_one(".embed__provider")) == "YouTube"
    assert not page.select("img, iframe, script, button")


def test_a_url_of_no_provider_is_a_plain_link_card():
    page = render("https://www.example.com/story", None)
    assert page.select_one("a")["href"] == "https://www.example.com/story"
    assert not page.select(".embed__provider")


def test_a_resolved_embed_shows_our_thumbnail_title_provider_and_button(embed):
    """The facade: thumbnail (sized, lazy), title, provider, a labelled button."""
    page = render(URL, embed)
    img = page.select_one("img.embed__thumbnail")
    assert img["src"] == embed.thumbnail.url
    assert (img["width"], img["height"], img["loading"]) == ("480", "270", "lazy")
    assert text(page.select_one(".embed__show")) == "Show YouTube content"
    assert "loads content from YouTube" in text(page.select_one(".embed__note"))
    assert text(page.select_one(".embed__original")) == embed.title
    assert "An Garda Síochána" in text(page.select_one(".embed__provider"))
    figure = page.select_one("figure")
    assert figure["data-embed-src"] == embed.iframe_src
    assert figure["data-embed-ratio"] == "1.7778"


def test_the_button_is_hidden_without_javascript(embed):
    """Readers without JavaScript get the link to the original, not a dead button."""
    page = render(URL, embed)
    assert page.select_one(".embed__consent").has_attr("hidden")
    assert page.select_one(".embed__original")["href"] == URL


def test_nothing_before_pressing_comes_from_a_third_party(embed):
    """Every src is ours; the one third-party href is the link to the original."""
    page = render(URL, embed)
    assert not page.select("iframe")
    sources = [tag["src"] for tag in page.select("[src]")]
    assert sources and all(not urlsplit(src).netloc for src in sources)
    third_party = [
        tag["href"] for tag in page.select("[href]") if urlsplit(tag["href"]).netloc
    ]
    assert third_party == [URL]


def test_an_article_shows_its_resolved_embed_behind_the_facade_with_our_script_once(
    client, embed
):
    """
    The body's embed element reaches the page through the article's one
    references prefetch: a facade once resolved, and the facades' script (ours,
    deferred, no inline code) once per page however many embeds it shows.
    """
    element = f'<figure data-element="embed" data-url="{URL}"></figure>'
    article = make_article(body=f"<p>Gardaí appealed.</p>{element}{element}")
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    facades = page.select(".article__body .embed--facade")
    assert facades and facades[0].select_one(".embed__original")["href"] == URL
    scripts = [
        tag for tag in page.select("script[src]") if "embed-facade" in tag["src"]
    ]
    assert len(scripts) == 1
    assert scripts[0].has_attr("defer") and not scripts[0].string


def test_an_article_whose_embed_is_not_resolved_shows_a_link_card_and_no_script(
    client,
):
    element = f'<figure data-element="embed" data-url="{URL}"></figure>'
    article = make_article(body=f"<p>Gardaí appealed.</p>{element}")
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one(".article__body .embed--card a")["href"] == URL
    assert not page.select(".embed--facade")
    assert not [t for t in page.select("script[src]") if "embed-facade" in t["src"]]


def test_saving_an_article_queues_its_embeds_for_the_worker(settings):
    """A pending row per new URL of a known provider; an unknown one gets none."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    other = "https://www.example.com/story"
    make_article(
        body=f'<figure data-element="embed" data-url="{URL}"></figure>'
        f'<figure data-element="embed" data-url="{other}"></figure>'
    )
    assert list(ResolvedEmbed.objects.values_list("url", "status")) == [
        (URL, ResolvedEmbed.Status.PENDING)
    ]
