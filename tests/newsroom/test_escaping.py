"""newsroom.escaping: HTML written in Python, escaped and marked safe."""

from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from newsroom.escaping import escaped, safe_html


def test_escaped_writes_text_as_django_escapes_it():
    assert escaped('<a href="x">Tom & Jerry\'s</a>') == (
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
    )
    assert escaped(mark_safe("<b>kept</b>")) == "<b>kept</b>"
    assert escaped(gettext_lazy("Home")) == "Home"
    assert escaped(3) == "3"


def test_safe_html_is_what_mark_safe_makes_of_text():
    html = safe_html("<p>Ferries – cancelled</p>")
    assert type(html) is SafeString and html == mark_safe(html)
    rendered = Template("{{ html }}").render(Context({"html": html}))
    assert rendered == "<p>Ferries – cancelled</p>"
