"""Escaping for HTML written in Python rather than by a template."""

from html import escape as html_escape

from django.utils.functional import Promise


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
