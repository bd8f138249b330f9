"""
Django's form renderer, with <input>s and error lists written in Python.

Django renders each widget and each field's error list through templates of
their own (django/forms/widgets/input.html and the attrs.html it includes,
errors/list/ul.html): a new Context and two or three includes every time,
and the garbage they leave. The newsletter sign-up form, on the newsletters' pages,
is five inputs and three error lists, and made up most of the cost of their
promos. This renderer writes an <input> and an error list itself, to the
byte what those templates write, and hands every other template (selects,
text areas, checkbox lists, whole forms, the admin's widgets) to Django's
templates as before. tests/newsroom/test_form_renderer.py renders each one
both ways and compares. The newsletter offer under every article writes the
sign-up form's inputs with the same parts, without a form each time
(subscriptions.templatetags.subscriptions.offer_html).
"""

import html

from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData

from newsroom.escaping import escaped, safe_html


def attr_value(value):
    """What {{ value|stringformat:'s' }} writes."""
    string = stringformat(value, "s")
    return string if isinstance(value, SafeData) else html.escape(string)


def input_html(context):
    """What django/forms/widgets/input.html writes for a widget's context."""
    widget = context["widget"]
    return safe_html(
        f"{input_opening_html(widget)}{input_value_html(widget['value'])}"
        f"{input_attrs_html(widget['attrs'])}>"
    )


def input_opening_html(widget):
    """An <input>'s type and name, as input.html writes them."""
    return (
        f'<input type="{escaped(widget.get("type", ""))}" '
        f'name="{escaped(widget["name"])}"'
    )


def input_value_html(value):
    """An <input>'s value (a widget's formatted value), as input.html writes it."""
    return "" if value is None else f' value="{attr_value(value)}"'


def input_attrs_html(attrs):
    """An <input>'s other attributes, as attrs.html writes them."""
    return "".join(
        f" {escaped(name)}"
        if value is True
        else f' {escaped(name)}="{attr_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def error_list_html(context):
    """What django/forms/errors/list/ul.html writes for an ErrorList's context."""
    errors = context["errors"]
    if not errors:
        return safe_html("")
    field_id = f' id="{escaped(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{escaped(error)}</li>" for error in errors)
    return safe_html(
        f'<ul class="{escaped(context["error_class"])}"{field_id}>{items}</ul>'
    )


# Django's widget templates that only include input.html.
INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
WRITERS = {
    "django/forms/widgets/input.html": input_html,
    **{f"django/forms/widgets/{name}.html": input_html for name in INPUTS},
    "django/forms/errors/list/default.html": error_list_html,
    "django/forms/errors/list/ul.html": error_list_html,
}


class FormRenderer(DjangoTemplates):
    """Django's renderer, writing <input>s and error lists without templates."""

    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request)
        return write(context)
