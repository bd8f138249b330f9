"""
Tabular inlines whose inputs screen readers can name. Django's tabular inline
heads each column but labels none of the inputs under it, so a screen reader
announces a row of bare text boxes and checkboxes (WCAG 1.3.1 and 4.1.2;
axe's `label` rule).
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.forms.utils import pretty_name


class LabelledInlineFormSet(BaseInlineFormSet):
    """Give each visible input its column's name; a delete box, its row's too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = str(field.label or pretty_name(name))
            if name == "DELETE" and form.instance.pk:
                label = f"{label} {form.instance}"
            # The admin wraps related fields (the add and change links); the
            # input itself is the wrapped widget.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", label)


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
