"""
The newsletter offer under every article, written in Python
(subscriptions.templatetags.subscriptions.offer_html): to the byte what the
promo templates write with the sign-up form, whatever the newsletter says,
the page's address and the form's fields.
"""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import set_script_prefix

from subscriptions.forms.newsletters import SignUpForm, sign_up_forms
from subscriptions.models import Newsletter
from subscriptions.templatetags.subscriptions import offer_html, sign_up_inputs

HOSTILE = "<script>alert(\"x\")</script> & 'quoted' {{ braces }} %s \\ é"
SOURCES = [
    "/news/an-article/",
    "",
    "/news/a&b\"<c>'d/",
    "/news/é/%20/",
    '/"><script>alert(1)</script>',
    "/news/{slug}/%s/\\",
]


def newsletter(slug="news-wrap", name="News Wrap", pitch="Daily.", rhythm="1pm"):
    """A newsletter as the offer reads it (no row needed)."""
    return Newsletter(slug=slug, name=name, pitch=pitch, rhythm=rhythm)


NEWSLETTERS = [
    [],
    [newsletter()],
    [newsletter("the-week", "The Week", "The week's news", "Every Monday")],
    [newsletter("a&b<\"'>", HOSTILE, HOSTILE, HOSTILE)],
    [newsletter(), newsletter("on-the-land", "On the Land", "", "")],
]


def templates_offer(newsletters, source):
    """What the promo templates write with the sign-up forms themselves."""
    return render_to_string(
        "includes/newsletter_promos.html",
        {"promos": sign_up_forms(newsletters, source)},
    )


@pytest.fixture
def inputs_found_afresh():
    """The form's inputs found again from its fields, before and after."""
    sign_up_inputs.cache_clear()
    yield
    sign_up_inputs.cache_clear()


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("newsletters", NEWSLETTERS)
def test_the_offer_is_written_as_the_templates_write_it(newsletters, source):
    """Every newsletter, however named, and every address, to the byte."""
    assert offer_html(newsletters, source) == templates_offer(newsletters, source)


def test_the_offer_escapes_what_the_newsletter_says_and_the_address():
    """No tag of a newsletter's text or of the address reaches the page."""
    html = offer_html(
        [newsletter("a&b<\"'>", HOSTILE, HOSTILE, HOSTILE)],
        '/"><script>alert(1)</script>',
    )

    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 3
    assert 'value="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'id="newsletter-a&amp;b&lt;&quot;&#x27;&gt;"' in html
    assert 'id="id_a&amp;b&lt;&quot;&#x27;&gt;_email"' in html
    assert 'name="newsletter" value="a&amp;b&lt;&quot;&#x27;&gt;"' in html


def test_an_offer_without_an_address_sends_none():
    """As the form writes an empty value: no value attribute at all."""
    html = offer_html([newsletter()], "")

    assert '<input type="hidden" name="source" id="id_news-wrap_source">' in html


def test_the_offer_follows_the_forms_fields(monkeypatch, inputs_found_afresh):
    """
    A change to the sign-up form's fields changes the offer as it changes
    the templates' rendering: its inputs come from the form, not a copy.
    """
    fields = dict(SignUpForm.base_fields)
    fields["email"] = forms.EmailField(
        label="Your <email>",
        max_length=100,
        widget=forms.EmailInput(attrs={"placeholder": "you@example.com"}),
    )
    fields["consent_version"] = forms.CharField(
        widget=forms.HiddenInput, initial="2099-01", max_length=7
    )
    fields["source"] = forms.CharField(widget=forms.TextInput, required=True)
    fields["website"] = forms.CharField(
        required=False, label="Web site", widget=forms.URLInput
    )
    monkeypatch.setattr(SignUpForm, "base_fields", fields)

    html = offer_html([newsletter()], "/news/an-article/")

    assert html == templates_offer([newsletter()], "/news/an-article/")
    assert 'placeholder="you@example.com"' in html and 'maxlength="100"' in html
    assert 'name="consent_version" value="2099-01"' in html
    assert '<input type="url" name="website"' in html


def test_the_offer_posts_to_the_sign_up_page_under_the_script_prefix():
    """A site served under a prefix posts its forms under it, as {% url %} does."""
    set_script_prefix("/paper/")
    try:
        html = offer_html([newsletter()], "/paper/news/an-article/")
        assert html == templates_offer([newsletter()], "/paper/news/an-article/")
    finally:
        set_script_prefix("/")
    assert 'action="/paper/newsletters/sign-up/"' in html
    assert 'action="/newsletters/sign-up/"' in offer_html([newsletter()], "/")
