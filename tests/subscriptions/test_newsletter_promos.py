"""Newsletter and home-delivery promos, and the newsletters page."""

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory

from subscriptions.demo import create_demo_newsletters
from subscriptions.models import Newsletter

from .factories import make_newsletter

pytestmark = pytest.mark.django_db


def render(source, path="/news/an-article/"):
    request = RequestFactory().get(path)
    return Template("{% load subscriptions %}" + source).render(
        Context({"request": request})
    )


def test_newsletter_offer_shows_the_first_active_newsletter_with_a_form():
    """Name, pitch, rhythm and one sign-up form: the daily one, never a retired one."""
    create_demo_newsletters()
    make_newsletter(name="Retired", slug="retired", is_active=False, position=0)

    html = render("{% newsletter_offer %}")

    assert "News Wrap" in html
    assert "A lunchtime summary of the day&#x27;s highlights" in html
    assert "Delivered at 1pm each day" in html
    assert "every Monday" not in html
    assert "Retired" not in html
    assert html.count('action="/newsletters/sign-up/"') == 1
    assert 'name="newsletter" value="news-wrap"' in html
    assert 'name="source" value="/news/an-article/"' in html
    assert 'id="id_news-wrap_email"' in html


def test_newsletter_promo_forms_carry_no_csrf_token_and_an_unticked_box():
    """Cacheable pages: no token in the form; consent is never pre-ticked."""
    make_newsletter(slug="news-wrap")

    html = render("{% newsletter_offer %}")

    assert "csrfmiddlewaretoken" not in html
    assert 'type="checkbox" name="consent"' in html
    assert "checked" not in html


def test_newsletter_offer_costs_no_query_once_cached(django_assert_num_queries):
    """A warm cache serves the active newsletters to every article page."""
    make_newsletter(name="News Wrap")
    render("{% newsletter_offer %}")

    with django_assert_num_queries(0):
        html = render("{% newsletter_offer %}")

    assert "News Wrap" in html


def test_without_a_shared_cache_each_offer_reads_the_newsletters_afresh(settings):
    """
    With fragments off (a per-process cache), a change another process made,
    whose content-version bump this process cannot see, shows at once.
    """
    settings.FRAGMENT_CACHE_SECONDS = 0
    newsletter = make_newsletter(name="News Wrap")
    assert "News Wrap" in render("{% newsletter_offer %}")

    # As another process's change looks from here: rows changed, and no
    # content-version bump this process's own cache could see.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subscriptions_newsletter SET is_active = %s WHERE id = %s",
            [False, newsletter.pk],
        )

    assert "News Wrap" not in render("{% newsletter_offer %}")


def test_saving_a_newsletter_refreshes_the_offer():
    """Switching a newsletter off removes its promo at once."""
    newsletter = make_newsletter(name="News Wrap")
    assert "News Wrap" in render("{% newsletter_offer %}")

    newsletter.is_active = False
    newsletter.save()

    assert "News Wrap" not in render("{% newsletter_offer %}")


def test_the_offer_shows_a_renamed_newsletter_as_it_is_now():
    """What the offer shows follows the newsletter's edits."""
    newsletter = make_newsletter(name="News Wrap", slug="news-wrap")
    assert "News Wrap" in render("{% newsletter_offer %}")

    newsletter.name, newsletter.pitch = "The Lunchtime Wrap", "New and improved"
    newsletter.save()

    html = render("{% newsletter_offer %}")
    assert "The Lunchtime Wrap" in html and "New and improved" in html
    assert "News Wrap" not in html


def test_delivery_promo_links_to_the_delivery_request_page():
    """The promo carries the house wording and a link to the request form."""
    html = render("{% delivery_promo %}")

    assert (
        "Have the paper delivered to your door. No delivery charge. "
        "Just pay the cover price." in html
    )
    assert 'href="/delivery/' in html


def test_newsletters_page_lists_every_active_newsletter_with_a_form(client):
    """The page has a promo and form per newsletter and sets no cookie."""
    make_newsletter(name="News Wrap", slug="news-wrap")
    make_newsletter(name="The Week", slug="the-week")

    response = client.get("/newsletters/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "News Wrap" in content and "The Week" in content
    assert content.count('action="/newsletters/sign-up/"') == 2
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"]


def test_newsletters_changed_by_a_queryset_update_leave_the_promos_at_once():
    """A bulk update sends no signal, yet the cached promos are dropped too."""
    make_newsletter(name="News Wrap", slug="news-wrap")
    make_newsletter(name="The Week", slug="the-week")
    assert "News Wrap" in render("{% newsletter_offer %}")

    Newsletter.objects.filter(slug="news-wrap").update(is_active=False)

    html = render("{% newsletter_offer %}")
    assert "The Week" in html
    assert "News Wrap" not in html


def test_a_deleted_newsletter_leaves_the_cached_promos():
    """Deleting a newsletter drops the cached list with the cached pages."""
    gone = make_newsletter(name="News Wrap", slug="news-wrap")
    make_newsletter(name="The Week", slug="the-week")
    assert "News Wrap" in render("{% newsletter_offer %}")

    gone.delete()

    html = render("{% newsletter_offer %}")
    assert "News Wrap" not in html
    assert "The Week" in html


def test_every_newsletter_page_is_framed_by_the_one_base_template():
    """Title and column come from subscriptions/newsletters/base.html."""
    folder = settings.BASE_DIR / "templates" / "subscriptions" / "newsletters"
    pages = [page for page in folder.glob("*.html") if page.name != "base.html"]
    assert len(pages) >= 9
    for page in pages:
        first_line = page.read_text().splitlines()[0]
        assert first_line == '{% extends "subscriptions/newsletters/base.html" %}', (
            page.name
        )
