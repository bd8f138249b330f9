"""
The outbox in the admin: what transactional mail waits and why, and a resend
action for what failed or is in doubt. Read-only otherwise; staff see it only
with its view permission, which no role has by default.
"""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.template.defaultfilters import truncatechars

from .. import outbound
from ..models.outbound import OutboundEmail

# Most urgent first: what needs a person, then what waits, then history.
STATUS_ORDER = [
    OutboundEmail.Status.IN_DOUBT,
    OutboundEmail.Status.FAILED,
    OutboundEmail.Status.SENDING,
    OutboundEmail.Status.CLAIMED,
    OutboundEmail.Status.QUEUED,
    OutboundEmail.Status.SENT,
]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "status",
        "kind",
        "recipient",
        "subject",
        "attempts",
        "next_attempt",
        "error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "created_at",
        "queued_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["resend"]

    def get_queryset(self, request):
        # The message parts can be large and the list never shows them.
        return super().get_queryset(request).defer("message")

    def get_ordering(self, request):
        urgency = Case(
            *(
                When(status=status, then=Value(n))
                for n, status in enumerate(STATUS_ORDER)
            ),
            output_field=IntegerField(),
        )
        return [urgency, "next_attempt_at", "-pk"]

    def has_add_permission(self, request):
        # Emails are queued by what owes them, never typed in here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="next attempt", ordering="next_attempt_at")
    def next_attempt(self, email):
        return email.next_attempt_at if email.status in OutboundEmail.WAITING else None

    @admin.display(description="last error")
    def error(self, email):
        return truncatechars(email.last_error, 120)

    @admin.action(
        description="Send the selected emails again (failed, in doubt or waiting)",
        permissions=["change"],
    )
    def resend(self, request, queryset):
        count = queryset.resend()
        if count:
            outbound.send_soon()
        skipped = queryset.count() - count
        message = f"{count} email(s) queued to be sent now."
        if skipped:
            message += f" {skipped} left alone: sent, or on their way."
        self.message_user(request, message)
