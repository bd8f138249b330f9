"""
The public pages' stylesheet, written into each page's head.

A linked stylesheet holds the first paint for one more request after the
page itself (a round trip on a phone's connection); the stylesheet is small
enough, compressed with the page, to come in the same packets. Comments are
left out. The Content Security Policy lets the one <style> element through
by the hash of its exact text (settings.SECURE_CSP), computed here once when
the site starts: no nonce, so pages stay cacheable, and a changed stylesheet
changes the hash with it.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SITE_CSS = Path(__file__).resolve().parent / "static" / "newsroom" / "css" / "site.css"

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@cache
def site_css():
    """site.css without its comments and blank lines, as the head carries it."""
    text = SITE_CSS.read_text(encoding="utf-8")
    if "<" in text:
        # "</style" would end the element early; no rule needs a "<".
        raise ImproperlyConfigured(f"{SITE_CSS} may not contain '<'.")
    lines = COMMENT.sub("", text).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


def csp_hash(text):
    """The CSP source ('sha256-…') that lets an inline element of `text` through."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
