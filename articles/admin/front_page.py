"""The front page in the admin: its slots, their pins, and a preview at any time."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsroom.admin_inlines import LabelledTabularInline
from newsroom.cache import Fragments

from .. import front_page
from ..models import FrontPagePin, FrontPageSlot


class PinInline(LabelledTabularInline):
    model = FrontPagePin
    extra = 1
    autocomplete_fields = ["article"]
    verbose_name_plural = "Pinned articles (shown first, in this order)"


class PreviewForm(forms.Form):
    at = forms.DateTimeField(
        label="Show the front page as at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


@admin.register(FrontPageSlot)
class FrontPageSlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "position", "size", "rule_description", "pins"]
    list_editable = ["position", "size"]
    list_select_related = ["rule_section", "rule_tag"]
    autocomplete_fields = ["rule_section"]
    inlines = [PinInline]
    fieldsets = [
        (None, {"fields": ["kind", "heading", "position", "size"]}),
        (
            "Rule: what fills the block after its pins",
            {
                "fields": ["rule_section", "rule_tag", "rule_kind"],
                "description": "The latest live articles matching every rule "
                "given here; leave all empty for the latest of all. Stories "
                "already shown higher on the page are skipped.",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pins")

    @admin.display(description="Pinned")
    def pins(self, slot):
        return len(slot.pins.all())

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_frontpageslot_preview",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "preview_url": reverse("admin:articles_frontpageslot_preview"),
        }
        return super().changelist_view(request, extra_context)

    # admin_view() marks the response never_cache.
    def preview_view(self, request):
        """
        The front page as readers will see it at a chosen time (default now),
        scheduled articles included: never cached, staff only.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PreviewForm(request.GET or None)
        at = timezone.now()
        if form.is_valid() and form.cleaned_data["at"]:
            at = form.cleaned_data["at"]
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        response = TemplateResponse(
            request,
            "articles/home.html",
            {
                # A preview's fragments are neither read nor kept.
                "fragments": Fragments.not_kept(),
                "front": front_page.FrontPage(at),
                "preview_at": at,
                "preview_form": form,
                "canonical_url": "",
            },
        )
        response["X-Robots-Tag"] = "noindex"
        return response
