"""
{% fragment "name" fragments %} keeps a part of a page under what its view
gives it (newsroom.cache.Fragments), never under what it happens to find in
the context: without it the template is wrong, which fails loudly in
development and is logged once in production, where the part is rendered
uncached.
"""

import logging

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError

from newsroom.cache import Fragments, fragments

PART = Template(
    '{% load article_tags %}{% fragment "part" fragments %}{{ value }}{% endfragment %}'
)


def render(**context):
    return PART.render(Context(context))


def test_a_part_is_kept_under_the_views_fragments_and_served_from_them():
    kept = Fragments(["part"], version=7, seconds=60)
    assert render(fragments=kept, value="first") == "first"
    again = Fragments(["part"], version=7, seconds=60)
    assert again.found == {"part": "first"}
    assert render(fragments=again, value="second") == "first"
    # A new content version renders the part afresh.
    assert render(fragments=Fragments(["part"], 8, 60), value="third") == "third"


def test_a_part_is_kept_as_plain_text_and_served_as_written():
    """
    The cache pickles what it keeps, and a SafeString takes many times as
    long as plain text: a part is kept as plain text, and a page served from
    it writes the same.
    """
    kept = Fragments(["part"], version=7, seconds=60)
    assert (
        render(fragments=kept, value="<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    )

    assert type(cache.get(kept.key("part"))) is str
    again = Fragments(["part"], version=7, seconds=60)
    assert render(fragments=again, value="x") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"


def test_fragments_that_say_not_kept_neither_read_nor_keep():
    """A preview says so explicitly: seconds=0, or Fragments.not_kept()."""
    render(fragments=Fragments(["part"], version=7, seconds=60), value="live")
    for preview in (Fragments(["part"], 7, seconds=0), Fragments.not_kept()):
        assert preview.found == {}
        assert render(fragments=preview, value="draft") == "draft"
    assert cache.get(Fragments(["part"], 7, 60).key("part")) == "live"


def test_fragments_without_a_version_keep_nothing():
    """A cache that gave no content version (Redis down) keeps no part."""
    assert Fragments(["part"], version=None, seconds=60).seconds == 0


def test_a_part_whose_view_gave_no_fragments_fails_in_development(settings):
    settings.FRAGMENTS_STRICT = True
    with pytest.raises(ImproperlyConfigured, match="'part'.*cannot be kept"):
        render(value="x")
    with pytest.raises(ImproperlyConfigured):
        render(fragments={"fragment_seconds": 60}, value="x")


def test_in_production_it_renders_uncached_and_logs_once(settings, caplog):
    settings.FRAGMENTS_STRICT = False
    fragments._logged.clear()
    with caplog.at_level(logging.ERROR, logger="newsroom.cache.fragments"):
        assert render(value="x") == "x"
        assert render(value="y") == "y"
    assert len(caplog.records) == 1
    assert "rendered uncached" in caplog.records[0].getMessage()


def test_strict_follows_debug_by_default(settings):
    from newsroom import settings as project_settings

    assert project_settings.FRAGMENTS_STRICT == project_settings.DEBUG


def test_a_fragment_without_its_fragments_argument_is_a_syntax_error():
    with pytest.raises(TemplateSyntaxError, match="takes a name and the page"):
        Template('{% load article_tags %}{% fragment "part" %}x{% endfragment %}')
