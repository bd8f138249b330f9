"""Newsletters in the admin: newsletters, subscriptions and editions."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from articles.admin.articles import editor_csp

from .. import editions
from ..models.editions import Edition, EditionArticle
from ..models.newsletters import ConsentEvent, Newsletter, Subscription


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "rhythm",
        "send_time",
        "time_zone",
        "is_active",
        "confirmed_subscribers",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "pitch"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "pitch", "rhythm", "section", "is_active"]},
        ),
        ("Schedule", {"fields": ["send_time", "send_days", "time_zone"]}),
        (
            "Automatic editions",
            {"fields": ["minimum_articles", "maximum_articles", "position"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed=Count(
                    "subscriptions",
                    filter=Q(subscriptions__status=Subscription.Status.CONFIRMED),
                )
            )
        )

    @admin.display(description="confirmed subscribers", ordering="confirmed")
    def confirmed_subscribers(self, newsletter):
        return newsletter.confirmed


class ConsentEventInline(admin.TabularInline):
    """The subscription's consent ledger: read-only, oldest first."""

    model = ConsentEvent
    fields = ["at", "act", "wording_version", "wording", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    inlines = [ConsentEventInline]
    list_display = ["email", "newsletter", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "newsletter", "consent_version"]
    list_select_related = ["newsletter"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    # A subscription is the reader's: staff may unsubscribe it (the action),
    # never confirm it or change the address behind the reader's back.
    readonly_fields = [
        "email",
        "newsletter",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "consent_version",
        "consent_source",
        "consent_given_at",
        "confirmation_requested_at",
        "confirmation_sent_at",
    ]
    fieldsets = [
        (None, {"fields": ["email", "newsletter", "status"]}),
        (
            "Consent",
            {
                "fields": [
                    "consent_text",
                    "consent_version",
                    "consent_source",
                    "consent_given_at",
                ]
            },
        ),
        (
            "History",
            {
                "fields": [
                    "created_at",
                    "confirmation_requested_at",
                    "confirmation_sent_at",
                    "confirmed_at",
                    "unsubscribed_at",
                ]
            },
        ),
    ]
    actions = ["unsubscribe"]

    def has_add_permission(self, request):
        # Subscriptions start with a reader's consent, never in the admin.
        return False

    @admin.action(description="Unsubscribe the selected subscriptions")
    def unsubscribe(self, request, queryset):
        # A record names the account (unique, unchanging), not the person as
        # colleagues call them (formats.staff_name).
        source = f"admin, by {request.user.get_username()}"
        count = sum(
            subscription.unsubscribe(source=source) for subscription in queryset
        )
        self.message_user(request, f"{count} subscription(s) unsubscribed.")


class EditionArticleInline(admin.TabularInline):
    model = EditionArticle
    fields = ["position", "article"]
    raw_id_fields = ["article"]
    extra = 1

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and editable(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and editable(obj)


def editable(edition):
    """Drafts and scheduled editions may change; the rest is history."""
    return edition is None or edition.status in {
        Edition.Status.DRAFT,
        Edition.Status.SCHEDULED,
    }


# The preview page's frames: a desktop client's reading pane and a phone.
PREVIEW_WIDTHS = [("Desktop", 680, 900), ("Phone", 360, 740)]


class TestCopyForm(forms.Form):
    email = forms.EmailField(label="Send a test copy to")


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "newsletter",
        "status",
        "scheduled_for",
        "sent_at",
        "progress",
    ]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject"]
    date_hierarchy = "scheduled_for"
    inlines = [EditionArticleInline]
    fields = ["newsletter", "subject", "intro", "status", "scheduled_for"]
    readonly_fields = ["progress", "sent_at", "skip_reason"]
    change_form_template = "admin/subscriptions/edition/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, "progress", "sent_at", "skip_reason"]

    def get_readonly_fields(self, request, obj=None):
        if editable(obj):
            return self.readonly_fields
        return [*self.fields, *self.readonly_fields]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # Editors draft and schedule; sending and sent are the system's.
            kwargs["choices"] = [
                (Edition.Status.DRAFT, Edition.Status.DRAFT.label),
                (Edition.Status.SCHEDULED, Edition.Status.SCHEDULED.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        pk = str(initial.get("newsletter", ""))
        newsletter = Newsletter.objects.filter(pk=pk).first() if pk.isdigit() else None
        if newsletter is not None:
            initial.setdefault("scheduled_for", newsletter.next_slot())
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="progress")
    def progress(self, edition):
        if not hasattr(edition, "sent_count"):
            edition = Edition.objects.with_progress().get(pk=edition.pk)
        if edition.status in {Edition.Status.DRAFT, Edition.Status.SCHEDULED}:
            return "—"
        return format_html(
            "{} queued, {} sending, {} sent, {} failed",
            edition.queued_count,
            edition.sending_count,
            edition.sent_count,
            edition.failed_count,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                wrap(self.preview_page_view),
                name="subscriptions_edition_preview_page",
            ),
            path(
                "<int:pk>/preview/<str:part>/",
                wrap(self.preview_view),
                name="subscriptions_edition_preview",
            ),
            path(
                "<int:pk>/test-copy/",
                wrap(self.test_copy_view),
                name="subscriptions_edition_test_copy",
            ),
            *super().get_urls(),
        ]

    def get_edition(self, request, pk):
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        return edition

    def view_on_site(self, edition):
        """Only an edition sent (or being sent) has its public page."""
        return edition.get_absolute_url() if edition.is_archived else None

    def changeform_view(self, request, *args, **kwargs):
        # The editor's note is written in the body's editor.
        view = csp_override(editor_csp())(super().changeform_view)
        return view(request, *args, **kwargs)

    @csp_override({**settings.SECURE_CSP, "frame-src": ["'self'"]})
    def preview_page_view(self, request, pk):
        """The mail as it will arrive, side by side at desktop and phone widths."""
        edition = self.get_edition(request, pk)
        return TemplateResponse(
            request,
            "admin/subscriptions/edition/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "edition": edition,
                "widths": PREVIEW_WIDTHS,
                "title": f"“{edition.subject}” as it will arrive",
            },
        )

    # The email's own inline styles and pictures (from SITE_URL or MEDIA_URL's
    # CDN), shown as a reader's mail client would, framed by the preview page.
    @csp_override(
        {
            "default-src": ["'self'"],
            "style-src": ["'unsafe-inline'"],
            "img-src": ["'self'", "https:", "http:", "data:"],
            "frame-ancestors": ["'self'"],
        }
    )
    @xframe_options_sameorigin
    def preview_view(self, request, pk, part):
        """The edition as its readers will see it: HTML or plain text."""
        edition = self.get_edition(request, pk)
        message = editions.test_copy_message(edition, request.user.email or "")
        if part == "text":
            return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        if part == "html":
            html, _ = message.alternatives[0]
            return HttpResponse(html)
        raise PermissionDenied

    def test_copy_view(self, request, pk):
        edition = self.get_edition(request, pk)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        form = TestCopyForm(request.POST or None, initial={"email": request.user.email})
        if request.method == "POST" and form.is_valid():
            address = form.cleaned_data["email"]
            message = editions.test_copy_message(edition, address)
            message.send(using=settings.NEWSLETTER_MAILER)
            self.message_user(
                request, f"A test copy is on its way to {address}.", messages.SUCCESS
            )
            return redirect(
                reverse("admin:subscriptions_edition_change", args=[edition.pk])
            )
        return TemplateResponse(
            request,
            "admin/subscriptions/edition/test_copy.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "edition": edition,
                "form": form,
                "title": f"Send a test copy of “{edition.subject}”",
            },
        )
