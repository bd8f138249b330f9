"""
Static pages in the admin: the list (in the footer's order, which editors
change in the list itself), the change form with the articles' body editor
and workflow (WorkflowAdminMixin), and a preview of a page before it is live.
"""

import json
from functools import partial

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.views.decorators.csp import csp_override

from .. import workflow
from ..models import Page
from ..preview import never_stored
from ..views import PageView
from .articles import editor_csp
from .pages import admin_page
from .workflow import ADVANCED_FIELDSET, WorkflowAdminMixin, format_state


class PagePreviewView(PageView):
    """A page, live or not, as readers will see it, with a banner."""

    server_cached = False
    page = None

    def get_object(self, queryset=None):
        return self.page

    def get_context_data(self, **kwargs):
        state = self.page.publication_state
        banner = (
            "Preview: this page is live; this is how readers see it."
            if state == "Live"
            else f"Preview: {state.lower()}, not on the site yet. Readers will see "
            "it like this once it is published."
        )
        return super().get_context_data(preview=banner, **kwargs)


def preview_view(model_admin, request, object_id):
    page = model_admin.get_object(request, object_id)
    if page is None:
        raise Http404("No such page.")
    if not model_admin.has_view_or_change_permission(request, page):
        raise PermissionDenied
    return never_stored(PagePreviewView.as_view(page=page)(request))


@admin.register(Page)
class PageAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "address", "in_footer", "footer_position", "state"]
    list_display_links = ["title"]
    # Editors order the footer here: tick "in the footer" and number them.
    list_editable = ["in_footer", "footer_position"]
    list_filter = ["status", "in_footer"]
    search_fields = ["title", "path"]
    ordering = ["-in_footer", "footer_position", "title"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "path", "body"]}),
        (
            "Footer",
            {
                "fields": ["in_footer", "footer_position"],
                "description": "Live pages ticked here are linked from the foot of "
                "every page, lowest position first.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
        ADVANCED_FIELDSET,
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        # Names the body editor for screen readers, as on the article form.
        js = ["articles/editor-layout.js"]

    def get_changelist_instance(self, request):
        """The footer's order is changed in the list by those who may edit
        every page."""
        changelist = super().get_changelist_instance(request)
        if not request.user.has_perm(workflow.EDIT_ANY):
            changelist.list_editable = ()
        return changelist

    def get_changelist_form(self, request, **kwargs):
        """The list's footer boxes, each named for its page (they have no label)."""
        form = super().get_changelist_form(request, **kwargs)

        class FooterOrderForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                title = self.instance.title
                for name, label in [
                    ("in_footer", f"“{title}” in the footer"),
                    ("footer_position", f"Position of “{title}” in the footer"),
                ]:
                    self.fields[name].widget.attrs["aria-label"] = label

        return FooterOrderForm

    def get_changeform_initial_data(self, request):
        """A new page comes last in the footer."""
        return {
            "footer_position": Page.objects.next_footer_position(),
            **super().get_changeform_initial_data(request),
        }

    def changeform_view(self, request, *args, **kwargs):
        view = csp_override(editor_csp())(super().changeform_view)
        return view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        """The history says which step a save took, with the note given."""
        message = super().construct_change_message(request, form, formsets, add)
        if not hasattr(form, "workflow_before"):
            return message  # the list's footer order: no step
        before = form.workflow_before
        obj = form.instance
        if not (workflow.going_live(before, obj) or (before or ("",))[0] != obj.status):
            return message
        fields = LogEntry(change_message=json.dumps(message)).get_change_message()
        note = form.cleaned_data.get("review_note", "")
        step = f"Now {obj.state_label().lower()}" + (f": {note}" if note else ".")
        return f"{fields} {step}".strip()

    def workflow_step_taken(self, request, obj, done):
        self.log_change(request, obj, f"{done.capitalize()} (list).")

    def view_on_site(self, obj):
        """The page on the site once live; its preview before."""
        if obj.is_published():
            return obj.get_absolute_url()
        return reverse(f"admin:{self.url_name('preview')}", args=[obj.pk])

    @admin.display(description="address", ordering="path")
    def address(self, page):
        return page.path

    @admin.display(description="on the site", ordering="status")
    def state(self, page):
        return format_state(page.publication_state, page.state_label())

    def get_urls(self):
        page = partial(admin_page, self)
        return [
            page("<path:object_id>/preview/", preview_view, "preview"),
            *super().get_urls(),
        ]

    def url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"
