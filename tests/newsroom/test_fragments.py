"""
{% fragment "name" fragments %} keeps a part of a page under what its view
gives it (newsroom.cache.Fragments), never under what it happens to find in
the context: without it the template is wrong, which fails loudly in
development and is logged once in production, where the part is rendered
uncached.
"""

import logging

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import mark_safe

from newsroom.cache import Fragments, fragments, plain

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

    assert type(cache.get(kept.page_key)["part"]) is str
    again = Fragments(["part"], version=7, seconds=60)
    assert render(fragments=again, value="x") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"


def test_text_is_kept_plain_whether_marked_safe_or_not():
    """plain(): what the parts of pages and the article cards keep."""
    for text in (mark_safe("<b>&amp;</b>"), "<b>&amp;</b>"):
        kept = plain(text)
        assert type(kept) is str
        assert kept == "<b>&amp;</b>"


TWO_PARTS = Template(
    '{% load article_tags %}{% fragment "one" fragments %}{{ one }}{% endfragment %}'
    '{% if two %}{% fragment "two" fragments %}{{ two }}{% endfragment %}{% endif %}'
)


def test_the_parts_of_a_page_are_written_together_once_the_last_is_rendered(
    monkeypatch,
):
    """One cache write for the page's parts, one entry read back for them all."""
    written = []
    # On the instance, and gone with the test (monkeypatch.setattr() would
    # leave the original bound there, hiding the class's own from later tests).
    monkeypatch.setitem(
        vars(caches["default"]), "set", lambda *args, **kwargs: written.append(args)
    )
    kept = Fragments(["one", "two"], version=7, seconds=60)

    TWO_PARTS.render(Context({"fragments": kept, "one": "1", "two": "2"}))

    assert written == [(kept.page_key, {"one": "1", "two": "2"})]
    monkeypatch.undo()
    cache.set(kept.page_key, {"one": "1", "two": "2"})
    again = Fragments(["one", "two"], version=7, seconds=60)
    assert again.all_found() and again.found == {"one": "1", "two": "2"}


def test_parts_of_a_page_that_left_one_out_are_written_when_the_page_is():
    """
    A part left out (inside an {% if %}) leaves the others to be written by
    write(), which the view calls once the page is rendered; read back, the
    page does not count as found whole, and the left-out part is rendered.
    """
    kept = Fragments(["one", "two"], version=7, seconds=60)
    TWO_PARTS.render(Context({"fragments": kept, "one": "1", "two": ""}))
    assert cache.get(kept.page_key) is None

    kept.write()

    again = Fragments(["one", "two"], version=7, seconds=60)
    assert again.found == {"one": "1"} and not again.all_found()
    html = TWO_PARTS.render(Context({"fragments": again, "one": "x", "two": "2"}))
    assert html == "12"
    assert Fragments(["one", "two"], 7, 60).found == {"one": "1", "two": "2"}


def test_fragments_that_say_not_kept_neither_read_nor_keep():
    """A preview says so explicitly: seconds=0, or Fragments.not_kept()."""
    render(fragments=Fragments(["part"], version=7, seconds=60), value="live")
    for preview in (Fragments(["part"], 7, seconds=0), Fragments.not_kept()):
        assert preview.found == {}
        assert render(fragments=preview, value="draft") == "draft"
    assert Fragments(["part"], 7, 60).found == {"part": "live"}


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
