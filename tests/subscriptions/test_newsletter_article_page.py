"""Article pages carry the newsletter and home-delivery promos."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client

from subscriptions.demo import create_demo_newsletters
from subscriptions.forms.newsletters import sign_up_forms
from subscriptions.models import Subscription
from tests.factories import make_article, make_section
from tests.html import parse, text

from .factories import make_newsletter


def parse_html(html):
    return BeautifulSoup(html, "html.parser")


pytestmark = pytest.mark.django_db

ARTICLE_PAGE_BUDGET = 10


@pytest.fixture
def newsletters():
    """The demo paper's two: News Wrap (daily) and The Week (Mondays)."""
    return create_demo_newsletters()


def test_article_page_offers_one_newsletter_the_daily_one(client, newsletters):
    """Name, pitch, rhythm and a sign-up form with an unticked box, offered once."""
    make_newsletter(name="Retired", is_active=False, position=0)
    article = make_article()

    page = parse(client.get(article.get_absolute_url()))

    promos = page.select(".newsletter-promo")
    assert [text(p.select_one("h2")) for p in promos] == ["News Wrap"]
    first = promos[0]
    assert text(first.select_one(".promo__pitch")) == (
        "A lunchtime summary of the day's highlights"
    )
    assert text(first.select_one(".promo__rhythm")) == "Delivered at 1pm each day"
    form = first.select_one("form")
    assert form["action"] == "/newsletters/sign-up/"
    assert form.select_one('input[name="newsletter"]')["value"] == "news-wrap"
    assert form.select_one('input[name="source"]')["value"] == (
        article.get_absolute_url()
    )
    consent = form.select_one('input[name="consent"]')
    assert consent["type"] == "checkbox" and not consent.has_attr("checked")
    assert form.select_one(f'label[for="{consent["id"]}"]')


def test_a_sections_own_newsletter_is_offered_on_its_articles_only(client, newsletters):
    """Farming articles offer the farming newsletter; others the daily one."""
    farming = make_section(name="Farming", slug="farming")
    make_newsletter(name="On the Land", slug="on-the-land", section=farming)
    on_farming = make_article(section=farming)
    elsewhere = make_article()

    def offered(article):
        page = parse(client.get(article.get_absolute_url()))
        return [text(h2) for h2 in page.select(".newsletter-promo h2")]

    assert offered(on_farming) == ["On the Land"]
    assert offered(elsewhere) == ["News Wrap"]


def test_offers_come_after_the_body_and_before_more_in_this_section(
    client, newsletters
):
    """
    Body, then the newsletter sign-up, then home delivery (beside the article
    on a wide screen, by the stylesheet), then the article's footer and
    “More in this section”; each offer once.
    """
    section = make_section(name="Business", slug="business")
    article = make_article(section=section, tags=["Harbour"])
    make_article(section=section, published_at=article.published_at)

    html = client.get(article.get_absolute_url()).text
    page = parse_html(html)

    assert len(page.select(".newsletter-promo")) == 1
    assert len(page.select(".delivery-promo")) == 1
    order = [
        'class="article__body',
        'class="promos newsletter-promos"',
        'class="promo delivery-promo"',
        'class="article__footer"',
        'id="more-in-section"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # The offers belong to the article, so the side column can sit beside it.
    assert page.select_one("article .newsletter-promo")
    assert page.select_one("article .delivery-promo")


def test_article_page_shows_the_home_delivery_promo(client, newsletters):
    """The house wording and a link to the delivery request form."""
    page = parse(client.get(make_article().get_absolute_url()))

    promo = page.select_one(".delivery-promo")
    assert (
        "Have the paper delivered to your door. No delivery charge. "
        "Just pay the cover price." in text(promo)
    )
    assert promo.select_one("a")["href"].startswith("/delivery/")


def test_article_page_with_promos_sets_no_cookie_and_carries_no_csrf_token(
    client, newsletters
):
    """The page stays cacheable by a CDN: no Set-Cookie, no per-reader token."""
    response = client.get(make_article().get_absolute_url())

    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content
    assert "public" in response["Cache-Control"]


def test_article_page_with_promos_stays_within_its_query_budget(
    client, newsletters, django_assert_max_num_queries
):
    """Cold cache: within 10 queries; warm cache: the promos cost nothing."""
    article = make_article()

    with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET) as cold:
        client.get(article.get_absolute_url())
    with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET) as warm:
        client.get(article.get_absolute_url())

    def promo_queries(captured):
        return [q for q in captured if "subscriptions_newsletter" in q["sql"]]

    assert len(promo_queries(cold)) == 1
    assert promo_queries(warm) == []


def test_the_offer_is_written_without_a_template(client, newsletters):
    """
    The offer is written in Python (subscriptions.templatetags.subscriptions
    .offer_html), to the byte what the promo templates write with the page's
    sign-up form: no page renders them, nor a template per input
    (newsroom.form_renderer), and each page's form names its own address.
    """
    for article in (make_article(), make_article()):
        response = client.get(article.get_absolute_url())

        rendered = {template.name for template in response.templates}
        assert [name for name in rendered if name.startswith("django/forms/")] == []
        assert "includes/newsletter_sign_up_form.html" not in rendered
        assert "includes/newsletter_promos.html" not in rendered
        path = article.get_absolute_url()
        written = render_to_string(
            "includes/newsletter_promos.html",
            {"promos": sign_up_forms(newsletters[:1], path)},
        )
        assert written in response.content.decode()
        form = parse(response).select_one(".newsletter-promo form")
        assert form.select_one("input[name=source]")["value"] == path


def test_form_on_the_article_page_signs_up_without_a_cookie_or_token(
    django_capture_on_commit_callbacks, newsletters
):
    """A reader fills in the form exactly as the page serves it, and it works."""
    client = Client(enforce_csrf_checks=True)
    article = make_article()
    form = parse(client.get(article.get_absolute_url())).select_one(
        ".newsletter-promo form"
    )
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input")
        if field["type"] != "checkbox"
    }
    data.update(email="reader@example.com", consent="on")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form["action"], data)

    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.newsletter.slug == "news-wrap"
    assert subscription.consent_source == article.get_absolute_url()
    assert len(mail.outbox) == 1


def test_the_offered_newsletters_come_with_the_site_frame_as_the_orm_reads_them(
    newsletters, django_assert_num_queries
):
    from subscriptions.models import Newsletter
    from tests.kept import forget_everything_kept

    make_newsletter(name="Retired", is_active=False)
    section = make_section()
    own = make_newsletter(name="Sport Extra", section=section, position=0)
    forget_everything_kept()

    # One statement: the site frame's, which reads them.
    with django_assert_num_queries(1) as read:
        offered = Newsletter.objects.active_cached()
    assert "'page', id, title" in read.captured_queries[0]["sql"]

    fields = [field.attname for field in Newsletter._meta.concrete_fields]
    expected = Newsletter.objects.filter(is_active=True).order_by("position", "name")
    assert [[getattr(n, f) for f in fields] for n in offered] == [
        [getattr(n, f) for f in fields] for n in expected
    ]
    assert offered[0] == own and offered[0].section_id == section.pk
    assert offered[0]._state.db == "default" and not offered[0]._state.adding


def test_a_changed_newsletter_is_offered_as_it_is_now(client, newsletters):
    article = make_article()
    client.get(article.get_absolute_url())
    daily = newsletters[0]
    daily.name = "Lunchtime Wrap"
    daily.save()
    response = client.get(article.get_absolute_url())
    assert "Lunchtime Wrap" in response.content.decode()
