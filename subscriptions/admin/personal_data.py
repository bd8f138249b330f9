"""
Readers' data rights in the admin: the "Personal data" page, where staff with
the manage_personal_data permission export or erase an address's data, and
the record of every such request (subscriptions.personal_data does the work).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from .. import personal_data
from ..models.personal_data import PersonalDataRequest, address_hash

PERMISSION = "subscriptions.manage_personal_data"


class PersonalDataForm(forms.Form):
    email = forms.CharField(
        label="The reader's email address",
        max_length=254,
        help_text="Any case; spaces around it are ignored.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "size": 40}),
    )

    def clean_email(self):
        return personal_data.personal_data_address(self.cleaned_data["email"])


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(admin.ModelAdmin):
    """Who exported or erased whose data, and when: read-only."""

    list_display = [
        "at",
        "action",
        "channel",
        "actor_name",
        "address",
        "counts_display",
    ]
    list_filter = ["action", "channel"]
    search_help_text = "Type an email address to find the requests about it."
    search_fields = ["address_hash"]
    date_hierarchy = "at"
    fields = [
        "at",
        "action",
        "channel",
        "actor_name",
        "address_hash",
        "suppression",
        "counts_display",
    ]
    readonly_fields = fields
    change_list_template = "admin/subscriptions/personaldatarequest/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION) or super().has_view_permission(
            request, obj
        )

    @admin.display(description="address")
    def address(self, record):
        return f"{record.address_hash[:12]}…"

    @admin.display(description="rows")
    def counts_display(self, record):
        return format_html_join(
            ", ",
            "{} {}",
            ((n, kind.replace("_", " ")) for kind, n in record.counts.items()),
        )

    def get_search_results(self, request, queryset, search_term):
        # Addresses are kept only as hashes: hash what was typed and match it.
        try:
            address = personal_data.personal_data_address(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(address_hash=address_hash(address)), False

    def get_urls(self):
        return [
            path(
                "act/",
                self.admin_site.admin_view(self.personal_data_view),
                name="subscriptions_personal_data",
            ),
            *super().get_urls(),
        ]

    def personal_data_view(self, request):
        """Export an address's data as JSON, or erase it after a confirmation."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Personal data",
            "form": form,
        }
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(
                request, "admin/subscriptions/personaldatarequest/act.html", context
            )
        address = form.cleaned_data["email"]
        who = {
            "actor": request.user,
            # The account, as the record's "by" says: not a display name.
            "actor_name": request.user.get_username(),
            "channel": PersonalDataRequest.Channel.ADMIN,
        }
        if request.POST.get("action") == "erase":
            if request.POST.get("confirmed") != "yes":
                document = personal_data.personal_data_document(address)
                context["counts"] = personal_data.personal_data_counts(document)
                return TemplateResponse(
                    request,
                    "admin/subscriptions/personaldatarequest/confirm_erase.html",
                    context,
                )
            record = personal_data.personal_data_erase(address, **who)
            self.message_user(
                request,
                f"Erased: {record.counts['subscriptions_deleted']} newsletter "
                f"subscription(s) deleted, "
                f"{record.counts['delivery_requests_anonymised']} delivery "
                f"request(s) anonymised; the address is suppressed.",
                messages.SUCCESS,
            )
            return redirect(
                reverse(
                    "admin:subscriptions_personaldatarequest_change", args=[record.pk]
                )
            )
        document, record = personal_data.personal_data_export(address, **who)
        response = HttpResponse(
            personal_data.personal_data_json(document),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="personal-data-{record.pk}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response
