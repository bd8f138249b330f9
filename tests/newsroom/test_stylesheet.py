import base64
import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom import stylesheet


def test_inline_stylesheet_is_site_css_without_comments():
    """Every rule of site.css is carried; its comments and blank lines are not."""
    css = stylesheet.site_css()
    source = stylesheet.SITE_CSS.read_text()
    assert "/*" in source and "/*" not in css and "*/" not in css
    assert "\n\n" not in css
    for rule in ("@media (prefers-color-scheme: dark)", "@media print", ".card__image"):
        assert rule in css
    assert css.count("{") == stylesheet.COMMENT.sub("", source).count("{")


def test_csp_hash_is_the_base64_sha256_of_the_exact_text():
    digest = base64.b64encode(hashlib.sha256(b"p{color:red}").digest()).decode()
    assert stylesheet.csp_hash("p{color:red}") == f"'sha256-{digest}'"
    assert stylesheet.csp_hash("p{color:red} ") != stylesheet.csp_hash("p{color:red}")


def test_policy_lets_through_the_stylesheet_as_it_is_now(settings):
    """The hash in the settings is that of the file on disk, not of an old copy."""
    stylesheet.site_css.cache_clear()
    try:
        expected = stylesheet.csp_hash(stylesheet.site_css())
    finally:
        stylesheet.site_css.cache_clear()
    assert expected in settings.SECURE_CSP["style-src"]


def test_a_stylesheet_that_could_end_the_style_element_is_refused(
    tmp_path, monkeypatch
):
    css = tmp_path / "site.css"
    css.write_text("p { color: red }\n</style><script>alert(1)</script>\n")
    monkeypatch.setattr(stylesheet, "SITE_CSS", css)
    stylesheet.site_css.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured):
            stylesheet.site_css()
    finally:
        stylesheet.site_css.cache_clear()
