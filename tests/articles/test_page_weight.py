"""
What an article page weighs: its HTML stays within a budget, so a reader on
a slow connection gets the words and the lead picture's address in the first
few packets. The stylesheet is a file of its own, kept by the browser.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_article, make_author, make_image, make_section
from tests.html import parse
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db

# Bytes of HTML, uncompressed, for an article like the demo paper's.
ARTICLE_BUDGET = 25_000

BODY = (
    "<p>In some parishes the share of daily speakers has fallen by a third in a"
    " generation.</p><p>The reasons are not mysterious. Holiday homes outbid local"
    " families; jobs are in the city; the bus runs twice a day.</p>"
    "<h2>One simple rule</h2><blockquote><p>A language lives where people can"
    " afford to live.</p></blockquote><p>Planning committees have done heroic work"
    " with very little money. They cannot build houses.</p><p>A simple rule,"
    " reserving a share of new homes for people who use the language, has been"
    " proposed for a decade and never enacted.</p>"
)


@pytest.fixture
def demo_like_article():
    """
    An opinion piece as the demo paper has them: two authors with bios, two
    tags, a lead picture, the newsletter offer, four more articles in its
    section and four related ones elsewhere, each with its picture.
    """
    make_newsletter()
    section = make_section(name="Opinion", slug="opinion")
    authors = [
        make_author(
            name=name,
            bio=f"{name} writes on housing and language for the paper. Her"
            " latest book is on the Gaeltacht.",
        )
        for name in ("Brendan Kilbride", "Anna Kowalska")
    ]
    tags = ["Housing", "Irish language"]
    picture = make_image(alt_text="Layered green hills beneath a clear blue sky")
    for n in range(4):
        make_article(
            section=section,
            title=f"Ireland's neutrality is a policy, not a shield ({n})",
            standfirst="A small state that depends on undersea cables for its data"
            " cannot leave their protection to others, writes Yusuf Adeyemi.",
            authors=authors[:1],
            lead_image=picture,
        )
        make_article(
            title=f"Gaeltacht housing scheme opens to applicants ({n})",
            standfirst="Families who use the language daily may apply for sites"
            " reserved in three parishes.",
            authors=authors[1:],
            tags=tags,
            lead_image=picture,
        )
    return make_article(
        section=section,
        kind="opinion",
        title="Irish is alive in the Gaeltacht. Housing is killing it",
        standfirst="Bilingual road signs cost little. Keeping a community"
        " together costs more, and matters more, writes Brendan Kilbride.",
        body=BODY,
        authors=authors,
        tags=tags,
        lead_image=picture,
        lead_image_caption="The hills above the town, midday.",
    )


def test_an_article_like_the_demo_papers_renders_within_its_budget(
    client, demo_like_article
):
    cache.clear()
    response = client.get(demo_like_article.get_absolute_url())
    page = parse(response)
    # Like the demo's: the lead picture and eight cards, each a picture.
    assert len(page.select("picture")) == 9
    assert len(page.select(".card")) == 8
    assert page.select(".newsletter-form") and page.select(".about-authors__bio")
    assert len(response.content) <= ARTICLE_BUDGET, len(response.content)


def test_reading_pages_carry_no_template_indentation(client, demo_like_article):
    """Templates are indented for their editors; readers get no line of it."""
    cache.clear()
    for url in (
        reverse("articles:home"),
        demo_like_article.section.get_absolute_url(),
        demo_like_article.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        indented = [line for line in html.splitlines() if line[:1] in (" ", "\t")]
        assert indented == [], url
