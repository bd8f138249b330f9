"""
What an article's body may hold: the body editor's extensions, and the
sanitizer that lets through exactly what they offer (Article.body uses both).
"""

import html
import re

from django.utils.html import strip_tags
from django_prose_editor.fields import create_sanitizer

# What the body editor offers, and therefore what the sanitizer lets through.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}

# One pass of the body field's sanitizer (nh3, with the allowlist that
# BODY_EDITOR_EXTENSIONS imply): the field cleans form input with it.
sanitize_once = create_sanitizer(BODY_EDITOR_EXTENSIONS)


def sanitize_body(html):
    """
    Clean article HTML with the body field's own sanitizer (nh3, allowing
    what BODY_EDITOR_EXTENSIONS offer; links only to http, https and mailto).
    """
    # Lone surrogates (never valid text, but a str can hold them) would make
    # the sanitizer raise; they become U+FFFD like undecodable bytes do.
    html = (html or "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    clean = sanitize_once(html)
    # One pass can leave markup that parses differently the next time (an
    # <a> inside an <a>, once a <table> between them is dropped): sanitize
    # again until nothing changes, so saving a body twice keeps it as it is.
    for _ in range(4):
        again = sanitize_once(clean)
        if again == clean:
            break
        clean = again
    return clean


def plain_text(value):
    """
    Body HTML as the words a reader sees, one space between each: tags become
    spaces (so paragraphs do not run into each other), entities their
    characters. Word counts, reading time and search snippets all read this.
    """
    return " ".join(html.unescape(strip_tags(re.sub(r"<", " <", value or ""))).split())
