"""Escaping for HTML written in Python rather than by a template."""

from html import escape as html_escape

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escaped(value):
    """
    conditional_escape(), the same text, for what is written in Python for
    every card and form input (the articles' tags, newsroom.form_renderer):
    without its wrapping for lazy text, which costs more than the escaping
    of a short value (lazy text is made text first, as there).
    """
    if type(value) is str:  # most of what a card writes: plain text, not safe
        return html_escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def safe_html(text):
    """
    `text`, HTML written in Python with every value in it escaped, marked
    safe: what mark_safe() makes of a str, without the wrapping that first
    looks for lazy text among its arguments, nor its other checks, which
    cost more than the rest of a small element. A body's elements and the
    reading pages' tags mark some two dozen a page (1% of a cold article's
    instructions).
    """
    return SafeString(text)
