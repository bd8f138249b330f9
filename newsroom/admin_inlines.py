"""
Tabular inlines whose inputs screen readers can name. Django's tabular inline
heads each column but labels none of the inputs under it, so a screen reader
announces a row of bare text boxes and checkboxes (WCAG 1.3.1 and 4.1.2;
axe's `label` rule).
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet


class LabelledInlineFormSet(BaseInlineFormSet):
    """Give each visible input its column's name; a delete box, its row's too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = str(field.label)
            if name == "DELETE" and form.instance.pk:
                label = f"{label} {form.instance}"
            field.widget.attrs.setdefault("aria-label", label)


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
