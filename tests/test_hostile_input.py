"""
Hostile input, property-tested: every public form, URL segment and query
parameter takes generated text (NUL bytes and lone surrogates included) and
never answers with a server error. The client re-raises any exception a
view lets escape, so a crash fails the example; a 5xx status does too.
"""

import html

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from subscriptions.consent import CURRENT, NEWSLETTER_SIGN_UP
from subscriptions.models import preferences_url
from tests.factories import make_article
from tests.hostile import form_body, hostile_text, url_segment
from tests.html import parse
from tests.subscriptions.factories import (
    delivery_form_data,
    make_delivery_area,
    make_newsletter,
    make_subscription,
)

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _no_limits(settings):
    """Fuzzing is a burst from one address: lift the rate limits to reach the views."""
    settings.RATE_LIMITS = {name: (10**9, 60) for name in settings.RATE_LIMITS}


@pytest.fixture
def paper():
    article = make_article(tags=["harbour"])
    newsletter = make_newsletter(slug="news-wrap")
    make_delivery_area(routing_keys=["A65"])
    subscription = make_subscription(newsletter=newsletter, email="r@example.ie")
    return {
        "article": article,
        "newsletter": newsletter,
        "subscription": subscription,
    }


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code


URL_PATTERNS = [
    "/tags/{}/",
    "/feeds/tags/{}/rss/",
    "/authors/{}/",
    "/feeds/authors/{}/atom/",
    "/{}/",
    "/feeds/{}/rss/",
    "/sitemap-{}.xml",
    "/preview/{}/",
    "/newsletters/confirm/{}/",
    "/newsletters/unsubscribe/{}/",
    "/newsletters/preferences/{}/",
    "/delivery/received/{}/",
]


@hypothesis_settings(max_examples=250)
@given(pattern=st.sampled_from(URL_PATTERNS), segment=hostile_text, post=st.booleans())
def test_no_url_segment_causes_a_server_error(client, paper, pattern, segment, post):
    if pattern == "/{}/" and post:
        pattern = f"/{paper['article'].section.slug}/{{}}/"
    path = pattern.format(url_segment(segment) or "x")
    response = client.post(path) if post else client.get(path)
    assert_no_server_error(response)


QUERY_PAGES = ["/search/", "/", "/tags/harbour/", "section", "preferences"]


@hypothesis_settings(max_examples=250)
@given(
    page=st.sampled_from(QUERY_PAGES),
    name=st.sampled_from(["q", "page", "saved", "n"]),
    value=hostile_text,
    second=hostile_text,
)
def test_no_query_parameter_causes_a_server_error(
    client, paper, page, name, value, second
):
    if page == "section":
        page = paper["article"].section.get_absolute_url()
    elif page == "preferences":
        page = preferences_url("r@example.ie")
    query = form_body({name: value, "page": second})
    assert_no_server_error(client.get(f"{page}?{query}"))


def maybe(valid):
    """A field's value: the valid one, or hostile text."""
    return st.one_of(st.just(valid), hostile_text)


@hypothesis_settings(max_examples=200)
@given(
    data=st.fixed_dictionaries(
        {
            "email": maybe("reader@example.ie"),
            "newsletter": maybe("news-wrap"),
            "consent": maybe("on"),
            "consent_version": maybe(CURRENT[NEWSLETTER_SIGN_UP]),
            "source": maybe("/news/"),
            "website": maybe(""),
        }
    )
)
def test_the_sign_up_form_takes_any_input_without_a_server_error(client, paper, data):
    response = client.post(
        reverse("subscriptions:newsletter-sign-up"), form_body(data), content_type=FORM
    )
    assert_no_server_error(response)


DELIVERY = delivery_form_data()


@hypothesis_settings(max_examples=200)
@given(
    data=st.fixed_dictionaries(
        {
            key: maybe(value)
            if not isinstance(value, list)
            else st.lists(maybe(value[0]), max_size=3)
            for key, value in DELIVERY.items()
        }
    )
)
def test_the_delivery_form_takes_any_input_without_a_server_error(client, paper, data):
    response = client.post(
        reverse("subscriptions:delivery-request"), form_body(data), content_type=FORM
    )
    assert_no_server_error(response)


@hypothesis_settings(max_examples=100)
@given(
    newsletters=st.lists(maybe("news-wrap"), max_size=3),
    action=st.sampled_from(["preferences", "confirm", "unsubscribe"]),
)
def test_the_emailed_link_forms_take_any_input_without_a_server_error(
    client, paper, newsletters, action
):
    subscription = paper["subscription"]
    url = {
        "preferences": preferences_url("r@example.ie"),
        "confirm": subscription.get_confirm_url(),
        "unsubscribe": subscription.get_unsubscribe_url(),
    }[action]
    body = form_body({"newsletters": newsletters})
    response = client.post(url, body, content_type=FORM)
    assert_no_server_error(response)


# Body elements with every value the format knows and hostile ones besides:
# stored through save() (which sanitizes), their page renders without a
# server error and without anything a browser would run.
ELEMENT_VALUES = st.one_of(
    st.sampled_from(
        [
            "1",
            "999999999999999999",
            "0",
            "-1",
            "wide",
            "full",
            "2026-12-06T14:32",
            "2026-13-45T25:61",
            "https://www.youtube.com/watch?v=x",
            "javascript:alert(1)",
        ]
    ),
    hostile_text,
)
ELEMENT_OPENINGS = [
    ("figure", "picture"),
    ("figure", "gallery"),
    ("figure", "embed"),
    ("blockquote", "pull-quote"),
    ("aside", "fact-box"),
    ("aside", "read-more"),
    ("aside", "update"),
]


@st.composite
def element_markup(draw, depth=0):
    if depth > 2 or draw(st.integers(0, 2)) == 0:
        return html.escape(draw(hostile_text))
    tag, element = draw(st.sampled_from(ELEMENT_OPENINGS))
    attributes = "".join(
        f' {name}="{html.escape(value)}"'
        for name, value in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(
                        ["data-image", "data-placement", "data-url", "data-article"]
                        + ["data-at", "onclick"]
                    ),
                    ELEMENT_VALUES,
                ),
                max_size=3,
            )
        )
    )
    inner = "".join(draw(st.lists(element_markup(depth + 1), max_size=3)))
    caption = draw(st.sampled_from(["", "<figcaption>A caption</figcaption>"]))
    return f'<{tag} data-element="{element}"{attributes}>{caption}{inner}</{tag}>'


@hypothesis_settings(max_examples=60)
@given(body=st.lists(element_markup(), max_size=4).map("".join))
def test_no_body_element_causes_a_server_error_or_runs_code(client, paper, body):
    article = paper["article"]
    article.body = body
    article.save()
    response = client.get(article.get_absolute_url())
    assert_no_server_error(response)
    for tag in parse(response).find_all(True):
        assert tag.name != "iframe"
        if tag.name == "script":
            assert tag.get("src") or tag.get("type") == "application/ld+json"
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), (tag.name, name)
            text = " ".join(value) if isinstance(value, list) else value
            assert not text.strip().lower().startswith("javascript:"), tag
