"""The form renderer writes <input>s and error lists as Django's templates do."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.forms.widgets import Input
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from newsroom.form_renderer import WRITERS, FormRenderer


class RangeInput(Input):
    """A widget of django/forms/widgets/input.html itself."""

    input_type = "range"


ODD_ATTRS = {
    "class": 'wide "quoted" <b>',
    "data-safe": mark_safe("a&amp;b"),
    "data-lazy": gettext_lazy("Email address"),
    "maxlength": 254,
    "step": 0.5,
    "required": True,
    "disabled": False,
    "data-none": None,
    "data-<odd>&": "x",
}

WIDGETS = [
    (forms.TextInput(), "name", None, {}),
    (forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}), "w", "", {}),
    (forms.TextInput(), "name", 'O\'Brien & <Sons> "Ltd"', ODD_ATTRS),
    (forms.TextInput(), "name", mark_safe("<i>kept</i>"), {"id": "id_x"}),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "email", "a@b.ie", {}),
    (forms.HiddenInput(), "source", "/news/a?b=1&c=2", {"id": "id_source"}),
    (forms.HiddenInput(), "empty", "", {}),
    (forms.CheckboxInput(), "consent", True, {"required": True, "id": "id_c"}),
    (forms.CheckboxInput(), "consent", False, {"aria-invalid": "true"}),
    (forms.CheckboxInput(), "consent", "on", {}),
    (forms.NumberInput(), "count", 1234567, {"min": 0}),
    (forms.PasswordInput(render_value=True), "secret", "p<w>", {}),
    (forms.PasswordInput(), "secret", "never shown", {}),
    (forms.DateInput(format="%Y-%m-%d"), "day", datetime.date(2026, 3, 14), {}),
    (forms.DateTimeInput(), "at", datetime.datetime(2026, 3, 14, 9, 5), {}),
    (forms.TimeInput(), "time", datetime.time(9, 5), {}),
    (forms.URLInput(), "url", "https://example.ie/?a=1&b=2", {}),
    (forms.TelInput(), "phone", "087 123 4567", {}),
    (forms.SearchInput(), "q", "harbour", {}),
    (forms.ColorInput(), "colour", "#ff0000", {}),
    (forms.FileInput(), "file", None, {"accept": "image/*"}),
    (RangeInput(), "level", 3, {}),
]

ERROR_LISTS = [
    ErrorList(),
    ErrorList(["Enter a <valid> address & more."]),
    ErrorList(["One.", "Two."], error_class="nonfield", field_id="id_email"),
    ErrorList([mark_safe("<b>Safe</b>"), gettext_lazy("Email address")]),
    ErrorList([ValidationError("Too %(what)s.", params={"what": "<late>"})]),
]


@pytest.mark.parametrize(
    ("widget", "name", "value", "attrs"),
    WIDGETS,
    ids=[f"{type(widget).__name__}-{i}" for i, (widget, *_) in enumerate(WIDGETS)],
)
def test_an_input_is_written_as_djangos_template_writes_it(widget, name, value, attrs):
    assert widget.render(name, value, attrs, FormRenderer()) == widget.render(
        name, value, attrs, DjangoTemplates()
    )


@pytest.mark.parametrize("errors", ERROR_LISTS)
@pytest.mark.parametrize("template", ["default.html", "ul.html"])
def test_an_error_list_is_written_as_djangos_template_writes_it(errors, template):
    template_name = f"django/forms/errors/list/{template}"
    context = errors.get_context()
    assert FormRenderer().render(template_name, context) == (
        DjangoTemplates().render(template_name, context)
    )


def test_every_template_written_in_python_is_compared_above():
    """A template added to WRITERS without a case here fails."""
    compared = {widget.template_name for widget, *_ in WIDGETS}
    compared |= {f"django/forms/errors/list/{t}" for t in ("default.html", "ul.html")}
    assert compared == set(WRITERS)


def test_every_other_template_renders_through_djangos_templates():
    widgets = [
        forms.Select(choices=[("a", "<A>"), ("b", "B")]),
        forms.CheckboxSelectMultiple(choices=[("mon", "Monday"), ("tue", "Tuesday")]),
        forms.Textarea(attrs={"rows": 3}),
        forms.ClearableFileInput(),
        forms.SplitDateTimeWidget(),
    ]
    for widget in widgets:
        assert widget.template_name not in WRITERS
        assert widget.render("f", None, {"id": "id_f"}, FormRenderer()) == (
            widget.render("f", None, {"id": "id_f"}, DjangoTemplates())
        )
