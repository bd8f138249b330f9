"""
Static pages: their addresses (nested ones included, and never one a
section, another part of the site or another page has), how they answer
beside sections, articles and redirects, the footer's order, the sitemap,
and what a page costs in queries.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article, Author, Page, Redirect, Section, navigation
from tests.factories import (
    make_article,
    make_image,
    make_page,
    make_section,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def checked(**fields):
    """A page with `fields`, validated as the admin's form validates it."""
    page = Page(title="About us", body="<p>Who we are.</p>", **fields)
    page.full_clean()
    return page


# Addresses


def test_a_page_answers_at_its_own_address_nested_ones_included(client):
    about = make_page(title="About us", path="/about/")
    team = make_page(title="Our team", path="/about/team/")
    deep = make_page(title="The board", path="/about/team/board/")
    for page in (about, team, deep):
        response = client.get(page.path)
        assert response.status_code == 200
        assert f'<h1 class="article__title">{page.title}</h1>' in response.text
    assert about.get_absolute_url() == "/about/"
    assert deep.get_absolute_url() == "/about/team/board/"


def test_a_page_keeps_an_address_with_letters_beyond_ascii(client):
    page = make_page(title="Über uns", path="/über-uns/")
    assert page.get_absolute_url() == "/%C3%BCber-uns/"
    assert client.get("/%C3%BCber-uns/").status_code == 200


def test_addresses_are_kept_normalised():
    assert make_page(path="about").path == "/about/"
    assert make_page(path="/caf%C3%A9/").path == "/café/"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/", "front page"),
        ("/about/?p=3", "“?”"),
        ("/about us/", "spaces"),
        ("/terms.html", "ends with a slash"),
        ("/about//team/", "needs a name"),
        ("/search/", "another part of the site"),
        ("/feeds/about/", "another part of the site"),
        ("/admin/about/", "another part of the site"),
        ("/newsletters/", "another part of the site"),
    ],
)
def test_an_address_that_cannot_be_a_page_is_refused_with_a_message(path, message):
    with pytest.raises(ValidationError) as refused:
        checked(path=path)
    assert message in " ".join(refused.value.message_dict["path"])


def test_an_address_inside_a_section_is_refused():
    make_section(name="News", slug="news")
    for path in ("/news/", "/news/about/"):
        with pytest.raises(ValidationError) as refused:
            checked(path=path)
        assert "the section “News”" in refused.value.message_dict["path"][0]


def test_an_address_another_page_has_is_refused():
    make_page(path="/about/")
    with pytest.raises(ValidationError) as refused:
        checked(path="about")
    assert refused.value.message_dict["path"] == [
        "Another page already has this address."
    ]


def test_a_section_may_not_take_a_pages_first_segment():
    make_page(path="/about/team/")
    with pytest.raises(ValidationError, match="static page's address"):
        Section(name="About", slug="about").full_clean()


# Sections, articles and redirects beside pages


def test_sections_and_articles_keep_their_addresses_beside_pages(client):
    article = make_article()
    make_page(path="/about/")
    assert client.get(article.section.get_absolute_url()).status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/about/").status_code == 200


def test_a_page_answers_where_an_article_of_another_section_has_its_slug(client):
    """Not mistaken for the article's old address."""
    make_article(slug="team")
    make_page(title="Our team", path="/about/team/")
    response = client.get("/about/team/")
    assert response.status_code == 200
    assert "Our team" in response.text


def test_a_page_answers_before_a_redirect_and_the_redirect_after_it_goes(client):
    Redirect.objects.create(old_path="/contact/", target="/about/")
    page = make_page(title="Contact", path="/contact-us/", status="draft")
    assert client.get("/contact/")["Location"] == "/about/"

    page.path = "/contact/"
    page.status = Page.Status.PUBLISHED
    page.save()
    assert client.get("/contact/").status_code == 200

    page.unpublish()
    assert client.get("/contact/").status_code == 404


def test_a_moved_page_redirects_from_its_old_address(client):
    page = make_page(path="/about/")
    page.path = "/about-us/"
    page.save()
    response = client.get("/about/")
    assert response.status_code == 301
    assert response["Location"] == "/about-us/"

    page.path = "/about/"
    page.save()
    assert client.get("/about/").status_code == 200
    assert client.get("/about-us/")["Location"] == "/about/"
    assert not Redirect.objects.filter(old_path="/about/").exists()


def test_only_live_pages_answer(client):
    now = timezone.now()
    make_page(path="/draft/", status="draft")
    make_page(path="/review/", status="review")
    make_page(path="/later/", published_at=now + timedelta(hours=1))
    make_page(path="/live/", published_at=now - timedelta(minutes=1))
    assert [
        client.get(path).status_code
        for path in ("/draft/", "/review/", "/later/", "/live/")
    ] == [404, 404, 404, 200]


def test_the_published_queryset_has_the_truth_table():
    now = timezone.now()
    past, future = now - timedelta(days=1), now + timedelta(days=1)
    rows = {
        (status, when): make_page(status=status, published_at=when)
        for status in ("draft", "review", "published")
        for when in (past, future)
    }
    assert set(Page.objects.published()) == {rows[("published", past)]}
    assert set(Page.objects.scheduled()) == {rows[("published", future)]}
    # The page cache keeps nothing past it, with or without a section, as
    # the site frame says too.
    assert Article.objects.next_change() == future
    assert navigation.next_change() == future
    make_section()
    assert Article.objects.next_change() == future
    assert navigation.next_change() == future


# The body


def test_the_body_is_sanitized_on_every_save_also_without_a_form():
    page, _ = Page.objects.update_or_create(
        path="/about/",
        defaults={
            "title": "About us",
            "body": '<p onclick="x()">Hi<script>alert(1)</script></p>',
            "status": "published",
        },
    )
    page.refresh_from_db()
    assert page.body == "<p>Hi</p>"
    assert page.published_at is not None


def test_the_body_shows_its_elements_as_on_an_article(client):
    picture = make_image(alt_text="The harbour at dawn", caption="Dawn")
    story = make_article(title="Harbour reopens")
    make_page(
        path="/about/",
        body=(
            f'<figure data-element="picture" data-image="{picture.pk}">'
            "<figcaption>Our office</figcaption></figure>"
            '<aside data-element="fact-box"><p>Founded 1859</p></aside>'
            f'<aside data-element="read-more" data-article="{story.pk}"></aside>'
        ),
    )
    html = client.get("/about/").text
    assert 'alt="The harbour at dawn"' in html
    assert "Our office" in html
    assert "Founded 1859" in html
    assert "Harbour reopens" in html


def test_a_page_costs_few_queries_whatever_its_body_refers_to(
    client, django_assert_max_num_queries
):
    pictures = [make_image() for _ in range(5)]
    stories = [make_article() for _ in range(5)]
    body = "".join(
        f'<figure data-element="picture" data-image="{p.pk}"></figure>'
        for p in pictures
    ) + "".join(
        f'<aside data-element="read-more" data-article="{a.pk}"></aside>'
        for a in stories
    )
    make_page(path="/about/", body=body)
    # The page's row; its pictures, articles and their renditions; the
    # section bar and the footer's pages (kept under the content version).
    with django_assert_max_num_queries(8):
        assert client.get("/about/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/about/").status_code == 200


def test_an_address_that_is_no_page_costs_no_query_for_pages(
    client, django_assert_max_num_queries
):
    make_page(path="/about/")
    assert client.get("/nowhere/at/all/").status_code == 404
    # The 404 page's section bar and footer are kept: only the redirects'
    # lookup is left.
    with django_assert_max_num_queries(1):
        assert client.get("/nowhere/at/all/again/").status_code == 404


# The footer


def test_the_footer_links_the_live_pages_chosen_in_the_editors_order(client):
    make_page(title="Terms", path="/terms/", in_footer=True, footer_position=20)
    make_page(title="About us", path="/about/", in_footer=True, footer_position=10)
    make_page(title="Contact", path="/contact/", in_footer=True, footer_position=30)
    make_page(title="Not linked", path="/other/", in_footer=False)
    make_page(title="Draft", path="/draft/", status="draft", in_footer=True)
    make_page(
        title="Later",
        path="/later/",
        in_footer=True,
        published_at=timezone.now() + timedelta(hours=1),
    )
    html = client.get(reverse("articles:home")).text
    footer = html[html.index('<footer class="site-footer">') :]
    assert [title for title in ("About us", "Terms", "Contact") if title in footer]
    positions = [footer.index(f">{title}</a>") for title in ("About us", "Terms")]
    assert positions == sorted(positions)
    assert footer.index(">Terms</a>") < footer.index(">Contact</a>")
    for hidden in ("Not linked", "Draft", "Later"):
        assert hidden not in footer
    assert '<a href="/about/">About us</a>' in footer


def test_the_footer_escapes_titles_and_has_no_list_without_pages(client):
    html = client.get(reverse("articles:home")).text
    assert "site-footer__pages" not in html
    make_page(title="Q&A <live>", path="/q-and-a/", in_footer=True)
    html = client.get(reverse("articles:home")).text
    footer = html[html.index('<footer class="site-footer">') :]
    assert (
        '<nav class="site-footer__pages" aria-label="About The Newsroom Herald">\n'
        '<ul><li><a href="/q-and-a/">Q&amp;A &lt;live&gt;</a></li></ul>\n</nav>\n'
    ) in footer


def test_the_footer_order_changes_on_the_next_request(client):
    about = make_page(title="About us", path="/about/", in_footer=True)
    terms = make_page(title="Terms", path="/terms/", in_footer=True)
    about.footer_position, terms.footer_position = 2, 1
    about.save()
    terms.save()
    footer = client.get("/about/").text.split('class="site-footer"')[1]
    assert footer.index(">Terms</a>") < footer.index(">About us</a>")


ADDRESSES = [
    (Page, "path", "articles:page", path)
    for path in ("/about/", "/about/team_2/", "/über uns/", "/a.b/", "/a%20b/", "/x//")
]
ADDRESSES += [
    (model, "slug", name, slug)
    for model, name in ((Section, "articles:section"), (Author, "articles:author"))
    for slug in ("news", "news-2_b", "éire", "a b")
]


@pytest.mark.parametrize(("model", "field", "name", "value"), ADDRESSES)
@pytest.mark.parametrize("prefix", ["/", "/paper/"])
def test_a_page_sections_or_authors_address_is_the_one_reverse_gives(
    model, field, name, value, prefix
):
    """Formed once per process around the value, else reversed: the same."""
    with override_script_prefix(prefix):
        try:
            expected = reverse(name, args=[value])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                model(**{field: value}).get_absolute_url()
            return
        assert model(**{field: value}).get_absolute_url() == expected


@pytest.mark.parametrize(
    ("section", "slug"),
    [
        ("news", "harbour-plan"),
        ("news-2_b", "a_b-9"),
        ("éire", "plan"),
        ("news", "a b"),
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/paper/"])
def test_an_articles_address_is_the_one_reverse_gives(section, slug, prefix):
    """Formed once per process around the slugs, else reversed: the same."""
    article = Article(section=Section(slug=section), slug=slug)
    with override_script_prefix(prefix):
        try:
            expected = reverse("articles:article", args=[section, slug])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                article.get_absolute_url()
            return
        assert article.get_absolute_url() == expected


def test_plain_addresses_are_formed_around_one_reverse_a_name():
    """The section bar and footer cost one reverse() per URL name and process."""
    navigation.reversed_around.cache_clear()
    sections = [Section(slug=slug).get_absolute_url() for slug in ("news", "sport")]
    pages = [Page(path=path).get_absolute_url() for path in ("/about/", "/a/b/")]
    assert sections + pages == ["/news/", "/sport/", "/about/", "/a/b/"]
    info = navigation.reversed_around.cache_info()
    assert (info.misses, info.hits) == (2, 2)


# The sitemap


def test_the_sitemap_lists_the_live_pages_only(client, settings):
    settings.SITE_URL = "https://paper.example"
    make_page(path="/about/")
    make_page(path="/about/team/")
    make_page(path="/draft/", status="draft")
    make_page(path="/later/", published_at=timezone.now() + timedelta(hours=1))
    response = client.get(reverse("articles:sitemap-section", args=["pages"]))
    locations = [
        loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")
    ]
    assert locations == [
        "https://paper.example/about/",
        "https://paper.example/about/team/",
    ]
    index = client.get(reverse("articles:sitemap")).text
    assert "https://paper.example/sitemap-pages.xml" in index
